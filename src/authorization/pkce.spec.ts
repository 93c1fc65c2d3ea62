import { describe, expect, it } from '@jest/globals';
import { isS256Challenge, s256Challenge, verifiesChallenge } from './pkce.js';

// RFC 7636 Appendix B.
const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('PKCE S256 (RFC 7636)', () => {
  it('computes the challenge of RFC 7636 Appendix B', () => {
    expect(s256Challenge(VERIFIER)).toBe(CHALLENGE);
    expect(isS256Challenge(CHALLENGE)).toBe(true);
  });

  it('verifies the matching verifier only', () => {
    expect(verifiesChallenge(VERIFIER, CHALLENGE)).toBe(true);
    expect(verifiesChallenge(`${VERIFIER.slice(0, -1)}l`, CHALLENGE)).toBe(false);
    // `plain`: the challenge itself presented as the verifier.
    expect(verifiesChallenge(CHALLENGE, CHALLENGE)).toBe(false);
  });

  it.each([
    ['too short', 'a'.repeat(42)],
    ['too long', 'a'.repeat(129)],
    ['outside the unreserved set', `${'a'.repeat(42)}+`],
    ['not a string', 42],
  ])('refuses a verifier %s', (_why, verifier) => {
    expect(verifiesChallenge(verifier, s256Challenge(String(verifier)))).toBe(false);
  });

  it.each(['', 'abc', `${CHALLENGE}=`, CHALLENGE.replace('-', '+')])(
    'refuses the challenge shape %j',
    (challenge) => {
      expect(isS256Challenge(challenge)).toBe(false);
    },
  );
});
