import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { LocalTokenCache } from '../../src/cache/local-token-cache.js';
import { digest } from '../../src/crypto/digest.js';
import {
  SentinelModule,
  TokenRevocationService,
  type SentinelModuleOptions,
} from '../../src/index.js';
import { SENTINEL_REDIS } from '../../src/sentinel.constants.js';
import { mongoUrl, uniqueDbName, uniqueKeyPrefix } from '../harness/backends.js';
import {
  REDIS_DEPLOYMENTS,
  TOPOLOGY_START_TIMEOUT_MS,
  type RunningRedis,
} from '../harness/redis-deployments.js';
import { makeServiceDir, startRedis, type ServiceHandle } from '../harness/test-services.js';
import {
  FakeClock,
  callApi,
  passwordGrant,
  seed,
  startApp,
  type Seeded,
} from '../module/module-testing.js';

const TTL_MS = 60_000;

/** Waits (bounded) until `check` holds: for connection state changes only, never for a result. */
async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function localCacheOf(app: INestApplication): LocalTokenCache {
  return app.get(LocalTokenCache);
}

/**
 * docs/security.md 9 with the in-process cache: two instances share FerretDB and Redis, each keeps a
 * local cache (TTL far longer than the test, so only the broadcast can evict), and a revocation
 * on one is refused by the other at once. On standalone, Sentinel and Cluster (issue 17).
 */
describe.each(REDIS_DEPLOYMENTS)(
  'localCache: revocations broadcast between two instances on Redis $name (docs/security.md 9)',
  (deployment) => {
    let a: INestApplication;
    let b: INestApplication;
    let seeded: Seeded;
    let running: RunningRedis;
    const clockB = new FakeClock();
    const keyPrefix = uniqueKeyPrefix('local-cache');
    /** The token's key, named directly: KEYS would scan one Cluster node only. */
    const keyOf = (token: string) => `${keyPrefix}token:${digest(token)}`;

    beforeAll(async () => {
      running = await deployment.start();
      const shared: SentinelModuleOptions = {
        mongo: { uri: mongoUrl(), dbName: uniqueDbName(`local_cache_${deployment.name}`) },
        redis: running.config,
        keyPrefix,
        bcryptCost: 10,
        localCache: { ttlMs: TTL_MS, maxEntries: 100 },
      };
      a = await startApp([SentinelModule.forRoot(shared)]);
      b = await startApp([SentinelModule.forRoot(shared)], clockB);
      seeded = await seed(a);
    }, TOPOLOGY_START_TIMEOUT_MS);

    afterAll(async () => {
      await Promise.all([a?.close(), b?.close()]);
      await running?.stop();
    });

    async function issue(): Promise<string> {
      return (await passwordGrant(a, seeded).expect(200)).body.access_token as string;
    }

    /** Proves B answers `token` from its memory: with the Redis entry gone it still accepts it. */
    async function cachedOnB(token: string): Promise<void> {
      await callApi(b, token).expect(200);
      const redis = b.get<Redis>(SENTINEL_REDIS);
      expect(await redis.del(keyOf(token))).toBe(1);
      await callApi(b, token).expect(200);
    }

    it('serves from memory once subscribed', async () => {
      expect(localCacheOf(a).isServing).toBe(true);
      expect(localCacheOf(b).isServing).toBe(true);
      const token = await issue();
      await cachedOnB(token);
      expect(localCacheOf(b).size).toBeGreaterThan(0);
    });

    it('revoke on A: B, which holds the token in memory, rejects it at once', async () => {
      const token = await issue();
      await cachedOnB(token);

      await a.get(TokenRevocationService).revokeByUser(seeded.userId);

      const rejected = await callApi(b, token).expect(401);
      expect(rejected.headers['www-authenticate']).toContain('error="invalid_token"');
      await callApi(a, token).expect(401);
    });

    it('revoke on A before B ever saw the token: B rejects it', async () => {
      const token = await issue();
      await callApi(a, token).expect(200); // A holds it in memory
      await a.get(TokenRevocationService).revokeByUser(seeded.userId);
      await callApi(b, token).expect(401);
      await callApi(a, token).expect(401);
    });

    it('a revocation that bypasses the broadcast holds on B after the TTL at most (the bound)', async () => {
      const token = await issue();
      await callApi(b, token).expect(200);
      // A foreign writer tombstones the key without announcing it: B cannot know…
      const redis = b.get<Redis>(SENTINEL_REDIS);
      expect(await redis.exists(keyOf(token))).toBe(1);
      await redis.set(keyOf(token), '{"revoked":true}', 'EX', 3600);
      await callApi(b, token).expect(200);
      // …until its entry's TTL runs out (B's clock is the fake one).
      clockB.advanceSeconds(TTL_MS / 1000);
      await callApi(b, token).expect(401);
    });
  },
);

/** With a private redis-server the suite can stop and start. */
describe('localCache while Redis pub/sub is down (docs/security.md 9, 17)', () => {
  const dir = makeServiceDir('sentinel-local-cache-redis-');
  let redis: ServiceHandle;
  let a: INestApplication | undefined;
  let b: INestApplication | undefined;

  beforeAll(async () => {
    redis = await startRedis(dir.path);
  });

  afterEach(async () => {
    await Promise.all([a?.close(), b?.close()]);
    a = b = undefined;
  });

  afterAll(async () => {
    await redis?.stop();
    dir.remove();
  });

  it('empties and bypasses the local cache during the outage, and starts afresh after it', async () => {
    const shared: SentinelModuleOptions = {
      mongo: { uri: mongoUrl(), dbName: uniqueDbName('local_cache_outage') },
      redis: redis.url,
      keyPrefix: uniqueKeyPrefix('local-cache-outage'),
      bcryptCost: 10,
      redisTimeoutMs: 300,
      localCache: { ttlMs: TTL_MS },
    };
    a = await startApp([SentinelModule.forRoot(shared)]);
    b = await startApp([SentinelModule.forRoot(shared)]);
    const seeded = await seed(a);
    const token = (await passwordGrant(a, seeded).expect(200)).body.access_token as string;
    await callApi(b, token).expect(200);
    const local = localCacheOf(b);
    expect(local.size).toBe(1);

    await redis.stop();
    await eventually(() => !local.isServing, "B's subscription to notice the outage");
    expect(local.size).toBe(0);

    // Revoked in MongoDB while Redis is down: the tombstone (and its announcement) cannot be
    // written, so A answers 503; B, validating from MongoDB, rejects the token all the same.
    await expect(a.get(TokenRevocationService).revokeByUser(seeded.userId)).rejects.toMatchObject({
      status: 503,
    });
    await callApi(b, token).expect(401);

    await redis.start(); // same port, empty: the announcement was never made
    await eventually(() => local.isServing, "B's subscription to come back");
    await callApi(b, token).expect(401);
    expect(local.size).toBe(0);
  });
});
