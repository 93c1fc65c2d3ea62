import { randomBytes } from 'node:crypto';

/** Bytes of CSPRNG output per token or secret: 256 bits (docs/security.md 21). */
export const TOKEN_BYTES = 32;

/** A new opaque token or secret: 256 bits from the CSPRNG, base64url without padding (43 chars). */
export function generateToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/**
 * A new `client_id`: like {@link generateToken}, but never starting with `-`, so it can be
 * passed as a command-line argument (the `nestjs-sentinel` CLI, `curl`, shell scripts) without
 * being read as an option. Redrawing the 1 in 64 ids that start with `-` keeps 255.9 bits.
 */
export function generateClientId(): string {
  let id = generateToken();
  while (id.startsWith('-')) id = generateToken();
  return id;
}
