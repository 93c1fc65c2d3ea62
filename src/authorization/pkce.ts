import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../crypto/constant-time.js';

/** RFC 7636 §4.1: `code-verifier = 43*128unreserved`. */
const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
/** An S256 challenge is the base64url SHA-256 of the verifier: always 43 characters (§4.2). */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/** The only method this server accepts (RFC 9700 §2.1.1: `plain` gives no protection). */
export const PKCE_METHOD = 'S256';

/** Whether `challenge` has the shape of an S256 code challenge (RFC 7636 §4.2). */
export function isS256Challenge(challenge: unknown): challenge is string {
  return typeof challenge === 'string' && S256_CHALLENGE.test(challenge);
}

/** `BASE64URL(SHA256(ASCII(code_verifier)))` (RFC 7636 §4.2). */
export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/**
 * Whether `verifier` proves possession for `challenge` (RFC 7636 §4.6). A verifier of the wrong
 * shape never matches; the comparison is constant-time.
 */
export function verifiesChallenge(verifier: unknown, challenge: string): boolean {
  if (typeof verifier !== 'string' || !CODE_VERIFIER.test(verifier)) return false;
  return constantTimeEqual(s256Challenge(verifier), challenge);
}
