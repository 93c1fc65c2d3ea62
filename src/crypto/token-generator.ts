import { randomBytes } from 'node:crypto';

/** Bytes of CSPRNG output per token or secret: 256 bits (docs/security.md 21). */
export const TOKEN_BYTES = 32;

/** A new opaque token or secret: 256 bits from the CSPRNG, base64url without padding (43 chars). */
export function generateToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}
