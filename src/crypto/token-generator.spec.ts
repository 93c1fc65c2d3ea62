import { describe, expect, it } from '@jest/globals';
import { generateClientId, generateToken } from './token-generator.js';

describe('token generator (docs/security.md 21)', () => {
  it('makes 256-bit base64url tokens', () => {
    expect(generateToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('never starts a client_id with "-", which a command line would read as an option', () => {
    // 1 in 64 plain tokens starts with "-": 2,000 draws all but surely include some.
    const plain = Array.from({ length: 2000 }, generateToken);
    expect(plain.some((token) => token.startsWith('-'))).toBe(true);
    const ids = Array.from({ length: 2000 }, generateClientId);
    expect(ids.every((id) => /^[A-Za-z0-9_][A-Za-z0-9_-]{42}$/.test(id))).toBe(true);
  });
});
