import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import { CacheUnavailableError } from '../cache/cache.errors.js';
import { TokenCache } from '../cache/token-cache.js';
import { digest } from '../crypto/digest.js';
import { StorageUnavailableError } from '../storage/storage.errors.js';
import { TokenStore } from '../storage/token-store.js';
import {
  openTokenBackend,
  tokenTestingModule,
  type TokenBackend,
} from '../../test/token/token-testing.js';
import { TokenIssuerService } from './token-issuer.service.js';

const BASE64URL_256_BIT = /^[A-Za-z0-9_-]{43}$/;

describe('TokenIssuerService (docs/security.md 19–21)', () => {
  let backend: TokenBackend;
  let module: TestingModule;
  let issuer: TokenIssuerService;

  beforeEach(async () => {
    backend = await openTokenBackend('memory', 'issuer', {
      accessTokenTtl: 600,
      refreshTokenTtl: 7200,
    });
    module = await tokenTestingModule(backend).compile();
    issuer = module.get(TokenIssuerService);
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await module.close();
    await backend.close();
  });

  const issue = {
    grantType: 'password',
    clientId: 'client-1',
    userId: 'user-1',
    scope: 'read',
    withRefreshToken: true,
  };

  it('issues 256-bit base64url access and refresh tokens (docs/security.md 21)', async () => {
    const { response } = await issuer.issue(issue);
    expect(response.access_token).toMatch(BASE64URL_256_BIT);
    expect(response.refresh_token).toMatch(BASE64URL_256_BIT);
    expect(response.access_token).not.toBe(response.refresh_token);
    expect(response).toMatchObject({ token_type: 'Bearer', expires_in: 600, scope: 'read' });
  });

  it('stores digests only: the raw token and its stored digest both fail lookups (docs/security.md 20)', async () => {
    const { response, record } = await issuer.issue(issue);
    expect(record.accessTokenDigest).toBe(digest(response.access_token));
    expect(record.refreshTokenDigest).toBe(digest(response.refresh_token!));
    expect(JSON.stringify(record)).not.toContain(response.access_token);
    expect(JSON.stringify(record)).not.toContain(response.refresh_token);
    expect(await backend.tokens.findByAccessDigest(response.access_token)).toBeNull();
    // Presenting the stored digest as a token: its digest is not stored.
    expect(await backend.tokens.findByAccessDigest(digest(record.accessTokenDigest))).toBeNull();
    expect(await backend.cache.get(response.access_token)).toBeUndefined();
  });

  it('gives tokens the lifetimes of their grant type (grantLifetimes), falling back to the global ones', async () => {
    const perGrant = await openTokenBackend('memory', 'issuer-lifetimes', {
      accessTokenTtl: 600,
      refreshTokenTtl: 7200,
      grantLifetimes: { refresh_token: { accessTokenTtl: 60 }, password: { refreshTokenTtl: 90 } },
    });
    const perGrantModule = await tokenTestingModule(perGrant).compile();
    try {
      const perGrantIssuer = perGrantModule.get(TokenIssuerService);
      const now = perGrant.clock.now();
      const byPassword = await perGrantIssuer.issue(issue);
      expect(byPassword.response.expires_in).toBe(600);
      expect(byPassword.record.refreshExpiresAt!.getTime()).toBe(now + 90_000);
      const byRefresh = await perGrantIssuer.issue({ ...issue, grantType: 'refresh_token' });
      expect(byRefresh.response.expires_in).toBe(60);
      expect(byRefresh.record.accessExpiresAt.getTime()).toBe(now + 60_000);
      expect(byRefresh.record.refreshExpiresAt!.getTime()).toBe(now + 7_200_000);
      const byOther = await perGrantIssuer.issue({ ...issue, grantType: 'client_credentials' });
      expect(byOther.response.expires_in).toBe(600);
    } finally {
      await perGrantModule.close();
      await perGrant.close();
    }
  });

  it('takes lifetimes from the injected clock', async () => {
    const { record } = await issuer.issue(issue);
    const now = backend.clock.now();
    expect(record.issuedAt.getTime()).toBe(now);
    expect(record.accessExpiresAt.getTime()).toBe(now + 600_000);
    expect(record.refreshExpiresAt!.getTime()).toBe(now + 7_200_000);
  });

  it('starts a new family for a fresh grant and keeps a given one', async () => {
    const first = await issuer.issue(issue);
    const second = await issuer.issue(issue);
    expect(first.record.familyId).not.toBe(second.record.familyId);
    const child = await issuer.issue({ ...issue, familyId: first.record.familyId });
    expect(child.record.familyId).toBe(first.record.familyId);
  });

  it('issues no refresh token when not asked to', async () => {
    const { response, record } = await issuer.issue({ ...issue, withRefreshToken: false });
    expect('refresh_token' in response).toBe(false);
    expect(record.refreshTokenDigest).toBeNull();
    expect(record.refreshExpiresAt).toBeNull();
  });

  it('caches the access token by digest for its lifetime after the insert', async () => {
    const { response, record } = await issuer.issue(issue);
    expect(await backend.cache.get(digest(response.access_token))).toEqual({
      sub: 'user-1',
      client_id: 'client-1',
      scope: 'read',
      exp: Math.floor(record.accessExpiresAt.getTime() / 1000),
    });
    backend.clock.advanceSeconds(600);
    expect(await backend.cache.get(digest(response.access_token))).toBeUndefined();
  });

  it('does not fail when the cache write fails, and logs no token (docs/security.md 17, 22)', async () => {
    const cache = module.get<TokenCache>(TokenCache);
    jest.spyOn(cache, 'add').mockRejectedValue(new CacheUnavailableError('redis down'));
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const { response } = await issuer.issue(issue);
    expect(await backend.tokens.findByAccessDigest(digest(response.access_token))).not.toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
    const logged = JSON.stringify(warn.mock.calls);
    expect(logged).not.toContain(response.access_token);
    expect(logged).not.toContain(response.refresh_token);
    expect(logged).not.toContain(digest(response.access_token));
  });

  it('writes no cache entry when the insert fails (docs/security.md 19)', async () => {
    const store = module.get<TokenStore>(TokenStore);
    jest.spyOn(store, 'insert').mockRejectedValue(new StorageUnavailableError('mongo down'));
    const add = jest.spyOn(module.get<TokenCache>(TokenCache), 'add');
    await expect(issuer.issue(issue)).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(add).not.toHaveBeenCalled();
  });
});
