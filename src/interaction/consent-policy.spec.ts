import { describe, expect, it } from '@jest/globals';
import type { SentinelClient } from '../storage/client-store.js';
import type { SentinelConsent } from '../storage/consent-store.js';
import { isNativeRedirect, needsConsent } from './consent-policy.js';

const client = (overrides: Partial<SentinelClient> = {}): SentinelClient => ({
  clientId: 'c',
  clientName: 'App',
  clientType: 'confidential',
  grantTypes: ['authorization_code'],
  scope: 'a b c',
  redirectUris: [],
  firstParty: false,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  ...overrides,
});
const consent = (scope: string): SentinelConsent => ({
  userId: 'u',
  clientId: 'c',
  scope,
  createdAt: new Date(0),
  updatedAt: new Date(0),
});
const WEB = 'https://app.example/cb';

/** docs/security.md 30. */
describe('needsConsent', () => {
  it('asks the first time, and not again for scopes already granted', () => {
    expect(needsConsent(client(), WEB, ['a'], null, false)).toBe(true);
    expect(needsConsent(client(), WEB, ['a'], consent('a b'), false)).toBe(false);
    expect(needsConsent(client(), WEB, [], consent(''), false)).toBe(false);
  });

  it('asks for a scope not granted before', () => {
    expect(needsConsent(client(), WEB, ['a', 'c'], consent('a b'), false)).toBe(true);
  });

  it('prompt=consent always asks, first-party clients included', () => {
    expect(needsConsent(client(), WEB, ['a'], consent('a'), true)).toBe(true);
    expect(needsConsent(client({ firstParty: true }), WEB, ['a'], null, true)).toBe(true);
  });

  it('never asks a first-party client otherwise', () => {
    expect(needsConsent(client({ firstParty: true }), WEB, ['a', 'b'], null, false)).toBe(false);
  });

  it('always asks a public client redirecting to a native app (RFC 8252 §8.6)', () => {
    const pub = client({ clientType: 'public' });
    for (const uri of ['http://127.0.0.1:8000/cb', 'http://[::1]/cb', 'com.example.app:/cb']) {
      expect(needsConsent(pub, uri, ['a'], consent('a b c'), false)).toBe(true);
    }
    expect(needsConsent(pub, WEB, ['a'], consent('a'), false)).toBe(false);
    expect(needsConsent(client(), 'http://localhost/cb', ['a'], consent('a'), false)).toBe(false);
  });
});

describe('isNativeRedirect', () => {
  it('is true for loopback http and private-use schemes only', () => {
    expect(isNativeRedirect('http://localhost:3000/cb')).toBe(true);
    expect(isNativeRedirect('com.example.app:/cb')).toBe(true);
    expect(isNativeRedirect('https://localhost/cb')).toBe(false);
    expect(isNativeRedirect(WEB)).toBe(false);
  });
});
