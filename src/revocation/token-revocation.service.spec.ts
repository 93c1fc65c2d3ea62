import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import { CacheUnavailableError } from '../cache/cache.errors.js';
import { TokenCache } from '../cache/token-cache.js';
import { digest } from '../crypto/digest.js';
import {
  oauthError,
  openTokenBackend,
  tokenTestingModule,
  type TokenBackend,
} from '../../test/token/token-testing.js';
import { TokenIssuerService } from '../token/token-issuer.service.js';
import { TokenRevocationService } from './token-revocation.service.js';

describe('TokenRevocationService (docs/security.md 9)', () => {
  let backend: TokenBackend;
  let module: TestingModule;
  let issuer: TokenIssuerService;
  let revocation: TokenRevocationService;

  beforeEach(async () => {
    backend = await openTokenBackend('memory', 'revocation', { accessTokenTtl: 600 });
    module = await tokenTestingModule(backend).compile();
    issuer = module.get(TokenIssuerService);
    revocation = module.get(TokenRevocationService);
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await module.close();
    await backend.close();
  });

  const base = {
    grantType: 'password',
    clientId: 'c1',
    userId: 'u1',
    scope: '',
    withRefreshToken: true,
  };

  it('revokes a family in the store and tombstones every access token in the cache', async () => {
    const first = await issuer.issue(base);
    const second = await issuer.issue({ ...base, familyId: first.record.familyId });
    const other = await issuer.issue(base);
    const result = await revocation.revokeFamily(first.record.familyId);
    expect(result.records).toHaveLength(2);
    for (const issued of [first, second]) {
      expect((await backend.tokens.findById(issued.record.id))!.revoked).toBe(true);
      expect(await backend.cache.get(digest(issued.response.access_token))).toEqual({
        revoked: true,
      });
    }
    expect((await backend.tokens.findById(other.record.id))!.revoked).toBe(false);
    expect(await backend.cache.get(digest(other.response.access_token))).toMatchObject({
      sub: 'u1',
    });
  });

  it('keeps a tombstone for the remaining access lifetime only', async () => {
    const issued = await issuer.issue(base);
    backend.clock.advanceSeconds(200);
    await revocation.revokeById(issued.record.id);
    const key = digest(issued.response.access_token);
    backend.clock.advanceSeconds(399);
    expect(await backend.cache.get(key)).toEqual({ revoked: true });
    backend.clock.advanceSeconds(1);
    expect(await backend.cache.get(key)).toBeUndefined();
  });

  it('writes no tombstone for an access token that has already expired', async () => {
    const cache = module.get<TokenCache>(TokenCache);
    const revoke = jest.spyOn(cache, 'revoke');
    const issued = await issuer.issue(base);
    backend.clock.advanceSeconds(10_000);
    const result = await revocation.revokeById(issued.record.id);
    expect(revoke).not.toHaveBeenCalled();
    expect(result.records).toHaveLength(1);
    expect((await backend.tokens.findById(issued.record.id))!.revoked).toBe(true);
  });

  it('tombstones an already revoked, unexpired token again, so a retry repairs the cache', async () => {
    const cache = module.get<TokenCache>(TokenCache);
    const issued = await issuer.issue(base);
    const revoke = jest.spyOn(cache, 'revoke').mockRejectedValueOnce(new Error('cache down'));
    expect(await revocation.revokeById(issued.record.id).catch((e: unknown) => e)).toBeInstanceOf(
      Error,
    );
    const retry = await revocation.revokeById(issued.record.id);
    expect(retry.records).toEqual([]);
    expect(revoke).toHaveBeenLastCalledWith([
      { digest: issued.record.accessTokenDigest, ttlSeconds: expect.any(Number) },
    ]);
    expect(await cache.get(issued.record.accessTokenDigest)).toEqual({ revoked: true });
  });

  it('revokes by user and by client', async () => {
    const a = await issuer.issue(base);
    const b = await issuer.issue({ ...base, userId: 'u2', clientId: 'c2' });
    expect((await revocation.revokeByUser('u1')).records).toHaveLength(1);
    expect(await backend.cache.get(digest(a.response.access_token))).toEqual({ revoked: true });
    expect((await revocation.revokeByClient('c2')).records).toHaveLength(1);
    expect(await backend.cache.get(digest(b.response.access_token))).toEqual({ revoked: true });
  });

  it("revokes one user's tokens of one client, tombstoning them, and no other", async () => {
    const mine = await issuer.issue(base);
    const otherClient = await issuer.issue({ ...base, clientId: 'c2' });
    const otherUser = await issuer.issue({ ...base, userId: 'u2' });
    expect((await revocation.revokeByUserAndClient('u1', base.clientId)).records).toHaveLength(1);
    expect(await backend.cache.get(digest(mine.response.access_token))).toEqual({ revoked: true });
    for (const kept of [otherClient, otherUser]) {
      expect(await backend.cache.get(digest(kept.response.access_token))).not.toEqual({
        revoked: true,
      });
    }
  });

  it('does not call the cache when nothing was revoked', async () => {
    const revoke = jest.spyOn(module.get<TokenCache>(TokenCache), 'revoke');
    expect((await revocation.revokeByUser('nobody')).records).toEqual([]);
    expect(revoke).not.toHaveBeenCalled();
  });

  it('answers 503 when the cache cannot be told, the store staying revoked', async () => {
    const issued = await issuer.issue(base);
    jest
      .spyOn(module.get<TokenCache>(TokenCache), 'revoke')
      .mockRejectedValue(new CacheUnavailableError('redis down'));
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const result = await oauthError(revocation.revokeById(issued.record.id));
    expect(result.status).toBe(503);
    expect(result.headers).toEqual({ 'Retry-After': '5' });
    expect(result.body).toMatchObject({ error: 'temporarily_unavailable' });
    expect((await backend.tokens.findById(issued.record.id))!.revoked).toBe(true);
    expect(JSON.stringify(error.mock.calls)).not.toContain(issued.record.accessTokenDigest);
  });
});
