import { generateToken } from '../crypto/token-generator.js';

/** A 256-bit CSPRNG id in base64url (43 characters): sessions, browser cookies, pending requests. */
const SECRET_ID = /^[A-Za-z0-9_-]{43}$/;

/** A new secret id (docs/security.md 26, 34: at least 128 bits; these have 256). */
export function newSecretId(): string {
  return generateToken();
}

/** Whether `value` has the shape of an id this module made; anything else is never looked up. */
export function isSecretId(value: unknown): value is string {
  return typeof value === 'string' && SECRET_ID.test(value);
}
