import { describe, expect, it } from '@jest/globals';
import { OAuthErrorCode } from '../errors/oauth-error-code.js';
import { OAuthException } from '../errors/oauth.exception.js';
import { formatScope, parseScope, resolveScope } from './scope.js';

function codeOf(action: () => unknown): OAuthErrorCode | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof OAuthException) return error.code;
    throw error;
  }
  return undefined;
}

describe('parseScope (RFC 6749 §3.3)', () => {
  it('splits on spaces, dedupes and keeps first-appearance order', () => {
    expect(parseScope('write read  write')).toEqual(['write', 'read']);
    expect(formatScope(parseScope(' a  b '))).toBe('a b');
  });

  it('returns no tokens for an empty or all-space value', () => {
    expect(parseScope('')).toEqual([]);
    expect(parseScope('   ')).toEqual([]);
  });

  it('accepts every NQCHAR (%x21 / %x23-5B / %x5D-7E)', () => {
    expect(parseScope('!#[]~ api:read https://x/y')).toEqual(['!#[]~', 'api:read', 'https://x/y']);
  });

  it.each([['a"b'], ['a\\b'], ['a\tb'], ['naïve'], ['a\nb'], ['\x7f']])(
    'refuses %j with invalid_scope (docs/security.md 4)',
    (value) => {
      expect(codeOf(() => parseScope(value))).toBe(OAuthErrorCode.InvalidScope);
    },
  );
});

describe('resolveScope', () => {
  it('defaults an omitted scope to the client’s full allowed scope', () => {
    expect(resolveScope(undefined, { client: 'read write' })).toBe('read write');
  });

  it('defaults to client ∩ user when the user has a scope', () => {
    expect(resolveScope(undefined, { client: 'read write admin', user: 'admin read' })).toBe(
      'read admin',
    );
  });

  it('treats an empty user scope as no restriction', () => {
    expect(resolveScope(['write'], { client: 'read write', user: '' })).toBe('write');
  });

  it('refuses a scope outside the client’s allowed scope (invalid_scope)', () => {
    expect(codeOf(() => resolveScope(['admin'], { client: 'read write' }))).toBe(
      OAuthErrorCode.InvalidScope,
    );
  });

  it('refuses any scope for a client with an empty allowed scope', () => {
    expect(codeOf(() => resolveScope(['read'], { client: '' }))).toBe(OAuthErrorCode.InvalidScope);
    expect(resolveScope(undefined, { client: '' })).toBe('');
  });

  it('refuses a scope outside a non-empty user scope', () => {
    expect(codeOf(() => resolveScope(['write'], { client: 'read write', user: 'read' }))).toBe(
      OAuthErrorCode.InvalidScope,
    );
  });

  it('lets a refresh narrow but never widen (RFC 6749 §6, docs/security.md 6)', () => {
    const limits = { client: 'read write admin', previous: 'read write' };
    expect(resolveScope(['read'], limits)).toBe('read');
    expect(codeOf(() => resolveScope(['read', 'admin'], limits))).toBe(OAuthErrorCode.InvalidScope);
  });

  it('defaults a refresh to the previous scope, minus what the client lost since', () => {
    expect(resolveScope(undefined, { client: 'read write', previous: 'read write' })).toBe(
      'read write',
    );
    expect(resolveScope(undefined, { client: 'read', previous: 'read write' })).toBe('read');
  });
});
