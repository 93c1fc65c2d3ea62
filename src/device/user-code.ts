import { randomInt } from 'node:crypto';

/**
 * The user-code alphabet of RFC 8628 §6.1: 20 consonants, no vowels (no words), no digits
 * (no 0/O, 1/I confusion). 8 characters give 20^8 ≈ 2^34.6 codes.
 */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;

/** A new user code from the CSPRNG, canonical (no dash): `WDJBMJHT`. */
export function newUserCode(): string {
  let code = '';
  for (let i = 0; i < USER_CODE_LENGTH; i++) {
    code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  }
  return code;
}

/** How a user code is shown and sent: `WDJB-MJHT` (RFC 8628 §6.1). */
export function displayUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * What a person typed, canonical: upper-cased, dashes and spaces dropped (§6.1: "ignore
 * characters like hyphens"). `null` when what is left cannot be a user code.
 */
export function normalizeUserCode(typed: unknown): string | null {
  if (typeof typed !== 'string' || typed.length > 64) return null;
  const code = typed.replace(/[\s-]/g, '').toUpperCase();
  if (code.length !== USER_CODE_LENGTH) return null;
  for (const character of code) if (!USER_CODE_ALPHABET.includes(character)) return null;
  return code;
}
