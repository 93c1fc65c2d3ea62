import { describe, expect, it } from '@jest/globals';
import { chooseRedirectUri, redirectUriMatches, redirectUriProblem } from './redirect-uris.js';

describe('redirect URIs (RFC 6749 §3.1.2, RFC 9700 §2.1, RFC 8252 §7)', () => {
  it.each([
    'https://app.example.com/callback',
    'https://app.example.com/cb?tenant=a',
    'http://127.0.0.1/callback',
    'http://127.0.0.1:8400/callback',
    'http://[::1]:51004/',
    'http://localhost:3000/cb',
    'com.example.app:/oauth2redirect',
    'com.example.app://callback',
  ])('accepts %s', (uri) => {
    expect(redirectUriProblem(uri)).toBeUndefined();
  });

  it.each([
    ['https://app.example.com/cb#frag', 'fragment'],
    ['/relative/callback', 'absolute'],
    ['http://app.example.com/cb', 'loopback'],
    ['http://127.0.0.2/cb', 'loopback'],
    ['javascript:alert(1)', 'private-use'],
    ['data:text/html,hi', 'private-use'],
    ['file:///etc/passwd', 'private-use'],
    ['myapp:/cb', 'private-use'],
    ['https://user:pw@app.example.com/cb', 'user information'],
    ['https://app.example.com/a b', 'printable'],
    ['', 'non-empty'],
    [`https://app.example.com/${'a'.repeat(2000)}`, 'at most'],
  ])('refuses %s (%s)', (uri, reason) => {
    expect(redirectUriProblem(uri)).toContain(reason);
  });

  it('refuses what is not a string', () => {
    expect(redirectUriProblem({ $ne: '' })).toBeDefined();
  });

  it('matches exactly, with no normalisation', () => {
    const registered = 'https://app.example.com/callback';
    expect(redirectUriMatches(registered, registered)).toBe(true);
    for (const other of [
      'https://app.example.com/callback/',
      'https://app.example.com/Callback',
      'https://APP.example.com/callback',
      'https://app.example.com/callback?x=1',
      'https://app.example.com:443/callback',
      'https://app.example.com/x/../callback',
      'http://app.example.com/callback',
    ]) {
      expect(redirectUriMatches(registered, other)).toBe(false);
    }
  });

  it('lets only the port of a loopback http URI vary (RFC 8252 §7.3)', () => {
    expect(redirectUriMatches('http://127.0.0.1/cb', 'http://127.0.0.1:53124/cb')).toBe(true);
    expect(redirectUriMatches('http://[::1]:80/cb', 'http://[::1]:9000/cb')).toBe(true);
    expect(redirectUriMatches('http://127.0.0.1/cb', 'http://127.0.0.1:53124/other')).toBe(false);
    expect(redirectUriMatches('http://127.0.0.1/cb', 'http://[::1]:53124/cb')).toBe(false);
    expect(redirectUriMatches('http://127.0.0.1/cb', 'http://127.0.0.1:1/x/../cb')).toBe(false);
    expect(redirectUriMatches('http://127.0.0.1/cb', 'https://127.0.0.1:1/cb')).toBe(false);
  });

  it('chooses the named URI when registered, the only one when none is named', () => {
    expect(chooseRedirectUri(['https://a.example/cb'], undefined)).toBe('https://a.example/cb');
    expect(chooseRedirectUri(['https://a.example/cb', 'https://b.example/cb'], undefined)).toBe(
      undefined,
    );
    expect(chooseRedirectUri(['https://a.example/cb'], 'https://evil.example/cb')).toBe(undefined);
    expect(chooseRedirectUri(['http://127.0.0.1/cb'], 'http://127.0.0.1:4000/cb')).toBe(
      'http://127.0.0.1:4000/cb',
    );
    expect(chooseRedirectUri([], undefined)).toBe(undefined);
  });
});
