import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import { digest } from '../../crypto/digest.js';
import type { SentinelClient } from '../../storage/client-store.js';
import { StorageUnavailableError } from '../../storage/storage.errors.js';
import { TokenStore } from '../../storage/token-store.js';
import {
  createClient,
  grantContext,
  oauthError,
  openTokenBackend,
  tokenTestingModule,
  type TokenBackend,
} from '../../../test/token/token-testing.js';
import type { TokenResponse } from './grant.js';
import { PasswordGrant } from './password.grant.js';
import { INVALID_REFRESH_TOKEN, RefreshTokenGrant } from './refresh-token.grant.js';

const INVALID_GRANT = {
  status: 400,
  headers: {},
  body: { error: 'invalid_grant', error_description: INVALID_REFRESH_TOKEN },
};

describe('RefreshTokenGrant (RFC 6749 §6, RFC 9700 §4.14; docs/security.md 6, 9, 19)', () => {
  let backend: TokenBackend;
  let module: TestingModule;
  let grant: RefreshTokenGrant;
  let client: SentinelClient;
  let otherClient: SentinelClient;
  let userId: string;
  let login: TokenResponse;

  beforeEach(async () => {
    backend = await openTokenBackend('memory', 'refresh-grant', {
      accessTokenTtl: 600,
      refreshTokenTtl: 3600,
    });
    module = await tokenTestingModule(backend).compile();
    grant = module.get(RefreshTokenGrant);
    client = (await backend.clients.findById((await createClient(backend.clients)).clientId))!;
    otherClient = (await backend.clients.findById((await createClient(backend.clients)).clientId))!;
    userId = (await backend.users.create({ username: 'alice', password: 'wonderland' })).id;
    login = await module
      .get(PasswordGrant)
      .handle(grantContext({ username: 'alice', password: 'wonderland' }, client));
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await module.close();
    await backend.close();
  });

  const refresh = (token = login.refresh_token!, extra: Record<string, string> = {}, by = client) =>
    grant.handle(grantContext({ refresh_token: token, ...extra }, by));
  const recordOf = (response: TokenResponse) =>
    backend.tokens.findByAccessDigest(digest(response.access_token));

  it('rotates: a new pair in the same family, the old refresh token consumed', async () => {
    const next = await refresh();
    expect(next.refresh_token).toBeDefined();
    expect(next.refresh_token).not.toBe(login.refresh_token);
    expect(next.scope).toBe('read write');
    const [oldRecord, newRecord] = [await recordOf(login), await recordOf(next)];
    expect(newRecord!.familyId).toBe(oldRecord!.familyId);
    expect(newRecord!.userId).toBe(userId);
    expect(oldRecord!.refreshConsumedAt).not.toBeNull();
  });

  it('retires the replaced access token in the store and the cache', async () => {
    await refresh();
    expect((await recordOf(login))!.revoked).toBe(true);
    expect(await backend.cache.get(digest(login.access_token))).toEqual({ revoked: true });
  });

  it('answers a missing refresh_token with invalid_request', async () => {
    expect((await oauthError(grant.handle(grantContext({}, client)))).body).toMatchObject({
      error: 'invalid_request',
    });
  });

  it('refuses an unknown refresh token, and an access token used as one', async () => {
    expect(await oauthError(refresh('not-a-token'))).toEqual(INVALID_GRANT);
    expect(await oauthError(refresh(login.access_token))).toEqual(INVALID_GRANT);
  });

  it('refuses the stored digest presented as a token (docs/security.md 20)', async () => {
    expect(await oauthError(refresh(digest(login.refresh_token!)))).toEqual(INVALID_GRANT);
  });

  it('narrows the scope on request', async () => {
    expect((await refresh(undefined, { scope: 'read' })).scope).toBe('read');
  });

  it('refuses a wider scope with invalid_scope without burning the token', async () => {
    const narrowed = await refresh(undefined, { scope: 'read' });
    const wider = await oauthError(refresh(narrowed.refresh_token, { scope: 'read write' }));
    expect(wider.body).toMatchObject({ error: 'invalid_scope' });
    expect((await refresh(narrowed.refresh_token)).scope).toBe('read');
  });

  it('refuses a foreign client with invalid_grant without burning the token', async () => {
    expect(await oauthError(refresh(undefined, {}, otherClient))).toEqual(INVALID_GRANT);
    const record = await backend.tokens.findByRefreshDigest(digest(login.refresh_token!));
    expect(record!.refreshConsumedAt).toBeNull();
    expect(record!.revoked).toBe(false);
    await expect(refresh()).resolves.toMatchObject({ token_type: 'Bearer' });
  });

  it('refuses an expired refresh token (fake clock)', async () => {
    backend.clock.advanceSeconds(3599);
    const next = await refresh();
    backend.clock.advanceSeconds(3600);
    expect(await oauthError(refresh(next.refresh_token))).toEqual(INVALID_GRANT);
  });

  it('refuses a revoked refresh token', async () => {
    await backend.tokens.revokeById((await recordOf(login))!.id);
    expect(await oauthError(refresh())).toEqual(INVALID_GRANT);
  });

  it('refuses when the user was disabled or deleted', async () => {
    await backend.users.update(userId, { disabled: true });
    expect(await oauthError(refresh())).toEqual(INVALID_GRANT);
    await backend.users.delete(userId);
    expect(await oauthError(refresh())).toEqual(INVALID_GRANT);
  });

  it('detects reuse of a rotated token and revokes the whole family in store and cache', async () => {
    const second = await refresh();
    const third = await refresh(second.refresh_token);
    const unrelated = await module
      .get(PasswordGrant)
      .handle(grantContext({ username: 'alice', password: 'wonderland' }, client));

    expect(await oauthError(refresh(login.refresh_token))).toEqual(INVALID_GRANT);

    for (const response of [second, third]) {
      expect((await recordOf(response))!.revoked).toBe(true);
      expect(await backend.cache.get(digest(response.access_token))).toEqual({ revoked: true });
    }
    // The latest refresh token of the chain is dead too.
    expect(await oauthError(refresh(third.refresh_token))).toEqual(INVALID_GRANT);
    // Another login of the same user is another family, untouched.
    expect((await recordOf(unrelated))!.revoked).toBe(false);
  });

  it('restores the old token and answers 503 when the new pair cannot be stored (docs/security.md 19)', async () => {
    const store = module.get<TokenStore>(TokenStore);
    jest.spyOn(store, 'insert').mockRejectedValueOnce(new StorageUnavailableError('mongo down'));
    await expect(refresh()).rejects.toBeInstanceOf(StorageUnavailableError);
    const record = await backend.tokens.findByRefreshDigest(digest(login.refresh_token!));
    expect(record!.refreshConsumedAt).toBeNull();
    expect(record!.revoked).toBe(false);
    // Not both valid, not neither: the old token works once more.
    const next = await refresh();
    expect(next.token_type).toBe('Bearer');
  });

  it('lets exactly one of 10 concurrent refreshes win; the reuse then revokes the family', async () => {
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => refresh()));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') {
        expect(await oauthError(Promise.reject(result.reason))).toEqual(INVALID_GRANT);
      }
    }
    const winner = (won[0] as PromiseFulfilledResult<TokenResponse>).value;
    expect((await recordOf(winner))!.revoked).toBe(true);
    expect(await backend.cache.get(digest(winner.access_token))).toEqual({ revoked: true });
  });
});
