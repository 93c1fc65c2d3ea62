import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { RedisTokenCache } from '../../src/cache/redis-token-cache.js';
import { digest } from '../../src/crypto/digest.js';
import { ManagementUsersService } from '../../src/management/management-users.service.js';
import { mongoUrl, uniqueDbName, uniqueKeyPrefix } from '../harness/backends.js';
import { makeServiceDir, startRedis, type ServiceHandle } from '../harness/test-services.js';
import {
  callApi,
  createTestClient,
  login,
  postForm,
  refresh,
  startProtocolApp,
  type ProtocolApp,
  type TestClient,
} from '../revocation/protocol-testing.js';
import { SentinelModule } from '../../src/index.js';
import { SENTINEL_CACHE } from '../../src/sentinel.constants.js';
import type { SentinelCache } from '../../src/cache/cache.factory.js';
import { startApp } from '../module/module-testing.js';
import type { INestApplication } from '@nestjs/common';
import { eventually, expectUnavailable, settled } from './fault-testing.js';

// Issue 17, ADR 0017: a redis-server with persistence (AOF, fsync always) is stopped while
// revocations and a rotation are written to MongoDB, then started again with its old data.
// Nothing MongoDB revoked may validate again.

const PASSWORD = 'correct horse battery staple';

describe('Redis restarted with its old data resurrects nothing (issue 17, ADR 0017)', () => {
  const dir = makeServiceDir('sentinel-restart-redis-');
  let redis: ServiceHandle;
  let t: ProtocolApp;
  let client: TestClient;
  let admin: Redis;
  /** A resource server (no token store) on the same Redis: it waits for the check, never guesses. */
  let resource: INestApplication;
  const keyPrefix = uniqueKeyPrefix('redis_restart');
  const tokenKey = (token: string) => `${keyPrefix}token:${digest(token)}`;
  const api = (token: string) => settled(callApi(t.app, token));
  const names = [1, 2, 3].map((i) => `user${i}-${Math.floor(Math.random() * 1e9)}`);
  const ids: string[] = [];

  beforeAll(async () => {
    redis = await startRedis(dir.path, { persist: true });
    t = await startProtocolApp({
      mongo: { uri: mongoUrl(), dbName: uniqueDbName('redis_restart') },
      redis: redis.url,
      keyPrefix,
      redisTimeoutMs: 1000,
      management: { username: 'admin', password: 'management password 1' },
    });
    client = await createTestClient(t.clients, { clientType: 'public' });
    for (const username of names) {
      ids.push((await t.users.create({ username, password: PASSWORD })).id);
    }
    admin = new Redis(redis.url, { maxRetriesPerRequest: 1, lazyConnect: true });
    admin.on('error', () => undefined);
    resource = await startApp([
      SentinelModule.forResourceServer({ redis: redis.url, keyPrefix, redisTimeoutMs: 1000 }),
    ]);
  });
  afterAll(async () => {
    admin.disconnect();
    await resource?.close();
    await t?.close();
    await redis?.stop();
    dir.remove();
  });

  it('refuses the revoked, the replaced and the disabled user’s tokens after the restart', async () => {
    const [revokedUser, refreshingUser, disabledUser] = names;
    const revoked = await login(t.app, client, revokedUser, PASSWORD);
    const replaced = await login(t.app, client, refreshingUser, PASSWORD);
    const disabled = await login(t.app, client, disabledUser, PASSWORD);
    for (const token of [revoked, replaced, disabled]) {
      expect((await api(token.access_token)).status).toBe(200);
    }

    await redis.stop();

    // During the outage: MongoDB takes the writes; the cache cannot be told.
    expectUnavailable(
      await settled(postForm(t.app, '/oauth/revoke', client, { token: revoked.access_token })),
    );
    const rotated = await settled(refresh(t.app, client, replaced.refresh_token!));
    expect(rotated.status).toBe(200);
    const users = t.app.get(ManagementUsersService);
    await expect(users.update(ids[2], { disabled: true })).rejects.toMatchObject({
      status: 503,
    });
    for (const token of [revoked, replaced, disabled]) {
      expect((await api(token.access_token)).status).toBe(401);
    }

    await redis.start();
    await admin.connect();
    // The scenario holds: Redis came back with the live entries written before the outage.
    const before = await admin.get(tokenKey(replaced.access_token));
    expect(before === null ? null : JSON.parse(before)).toMatchObject({ exp: expect.any(Number) });
    const guard = (t.cache as RedisTokenCache).staleEntries!;
    const resourceGuard = (resource.get<SentinelCache>(SENTINEL_CACHE).cache as RedisTokenCache)
      .staleEntries!;
    await eventually(async () => {
      // Never a stale 200 on the resource server, before or after the check.
      for (const token of [revoked, replaced, disabled]) {
        expect([401, 503]).toContain((await settled(callApi(resource, token.access_token))).status);
      }
      return guard.isVerified && resourceGuard.isVerified;
    }, 'both caches verified against the new run_id');
    expect((await api(rotated.body.access_token)).status).toBe(200);

    for (const token of [revoked, replaced, disabled]) {
      const res = await api(token.access_token);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    }
    // The live entries from before the outage are gone; the failed tombstones were written.
    expect(await admin.get(tokenKey(replaced.access_token))).not.toMatch(/"exp"/);
    expect(await admin.get(tokenKey(revoked.access_token))).toBe('{"revoked":true}');
    expect(await admin.get(tokenKey(rotated.body.access_token))).toMatch(/"exp"/);
    // The resource server refuses the three and accepts the new token, from Redis alone.
    for (const token of [revoked, replaced, disabled]) {
      expect((await settled(callApi(resource, token.access_token))).status).toBe(401);
    }
    expect((await settled(callApi(resource, rotated.body.access_token))).status).toBe(200);
  });
});
