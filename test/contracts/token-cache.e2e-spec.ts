import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import { CacheUnavailableError } from '../../src/cache/cache.errors.js';
import { MemoryTokenCache } from '../../src/cache/memory-token-cache.js';
import { closeRedis, openRedis, waitForRedis } from '../../src/cache/redis-connection.js';
import { RedisTokenCache } from '../../src/cache/redis-token-cache.js';
import type { CachedToken, TokenCache } from '../../src/cache/token-cache.js';
import { keySlot } from '../../src/cache/key-slot.js';
import { uniqueKeyPrefix } from '../harness/backends.js';
import {
  REDIS_DEPLOYMENTS,
  TOPOLOGY_START_TIMEOUT_MS,
  type RedisDeployment,
  type RunningRedis,
} from '../harness/redis-deployments.js';

/** What a backend gives the contract: the cache, plus how to observe expiry and raw storage. */
interface Fixture {
  cache: TokenCache;
  /** Asserts the entry under `digest` lives exactly `seconds` from now (to the second). */
  expectExpiresAfter(digest: string, seconds: number): Promise<void>;
  close(): Promise<void>;
}

interface RedisFixture extends Fixture {
  redis: Redis;
  keyPrefix: string;
  running: RunningRedis;
}

interface Backend {
  name: string;
  open(): Promise<Fixture>;
  /** Checks only a Redis backend can make (raw values, key names, failures). */
  redis?: true;
}

const memoryBackend: Backend = {
  name: 'memory',
  async open() {
    let now = 1_700_000_000_000;
    const cache = new MemoryTokenCache({ now: () => now });
    return {
      cache,
      async expectExpiresAfter(digest, seconds) {
        const start = now;
        now = start + seconds * 1000 - 1;
        expect(await cache.get(digest)).toBeDefined();
        now = start + seconds * 1000;
        expect(await cache.get(digest)).toBeUndefined();
        // Back to the moment of the write, so several entries written together can be checked.
        now = start;
      },
      async close() {},
    };
  },
};

/** The Redis cache on one deployment (standalone, Sentinel, Cluster: real processes). */
function redisBackend(deployment: RedisDeployment): Backend {
  return {
    name: `redis ${deployment.name}`,
    redis: true,
    async open(): Promise<RedisFixture> {
      const running = await deployment.start();
      const connection = openRedis(running.config);
      expect(await waitForRedis(connection.client, 10_000)).toBe(true);
      const keyPrefix = uniqueKeyPrefix('token-cache');
      const redis = connection.client;
      return {
        cache: new RedisTokenCache(redis, keyPrefix, `${keyPrefix}revocations`),
        redis,
        keyPrefix,
        running,
        async expectExpiresAfter(digest, seconds) {
          const pttl = await redis.pttl(keyPrefix + digest);
          expect(pttl).toBeGreaterThan((seconds - 1) * 1000);
          expect(pttl).toBeLessThanOrEqual(seconds * 1000);
        },
        async close() {
          // Sentinel and Cluster are thrown away whole; the shared standalone server is cleaned.
          if (deployment.name === 'standalone') {
            const keys = await redis.keys(`${keyPrefix}*`);
            if (keys.length > 0) await redis.del(...keys);
          }
          await closeRedis(connection);
          await running.stop();
        },
      };
    },
  };
}

let counter = 0;
/** A fresh digest per test, shaped like the SHA-256 hex the callers use. */
function newDigest(): string {
  counter += 1;
  return counter.toString(16).padStart(64, 'a');
}

function token(overrides: Partial<CachedToken> = {}): CachedToken {
  return {
    sub: 'user-1',
    client_id: 'client-1',
    scope: 'read write',
    exp: 1_900_000_000,
    ...overrides,
  };
}

const BACKENDS = [memoryBackend, ...REDIS_DEPLOYMENTS.map(redisBackend)];

describe.each(BACKENDS)('TokenCache contract: $name', (backend) => {
  let fixture: Fixture;
  let cache: TokenCache;

  beforeAll(async () => {
    fixture = await backend.open();
    cache = fixture.cache;
  }, TOPOLOGY_START_TIMEOUT_MS);
  afterAll(async () => {
    await fixture.close();
  });

  it('returns undefined for a digest never stored', async () => {
    expect(await cache.get(newDigest())).toBeUndefined();
  });

  it('returns a token after add, with a user or without one', async () => {
    const [user, machine] = [newDigest(), newDigest()];
    await cache.add(user, token(), 60);
    await cache.add(machine, token({ sub: null, scope: '' }), 60);
    expect(await cache.get(user)).toEqual(token());
    expect(await cache.get(machine)).toEqual(token({ sub: null, scope: '' }));
  });

  it('stores only the documented fields and hands out copies', async () => {
    const digest = newDigest();
    const extra = { ...token(), password: 'secret' } as CachedToken;
    await cache.add(digest, extra, 60);
    const first = await cache.get(digest);
    expect(first).toStrictEqual(token());
    (first as CachedToken).scope = 'admin';
    expect(await cache.get(digest)).toStrictEqual(token());
  });

  it('add does not overwrite a live entry (NX)', async () => {
    const digest = newDigest();
    await cache.add(digest, token({ scope: 'first' }), 60);
    await cache.add(digest, token({ scope: 'second' }), 600);
    expect(await cache.get(digest)).toEqual(token({ scope: 'first' }));
    await fixture.expectExpiresAfter(digest, 60);
  });

  it('add does not overwrite a tombstone', async () => {
    const digest = newDigest();
    await cache.revoke([{ digest, ttlSeconds: 60 }]);
    await cache.add(digest, token(), 60);
    expect(await cache.get(digest)).toEqual({ revoked: true });
  });

  it('revoke replaces a live entry with a tombstone', async () => {
    const digest = newDigest();
    await cache.add(digest, token(), 60);
    await cache.revoke([{ digest, ttlSeconds: 60 }]);
    expect(await cache.get(digest)).toEqual({ revoked: true });
  });

  it('revoke writes tombstones for digests never added', async () => {
    const digests = [newDigest(), newDigest(), newDigest()];
    await cache.revoke(digests.map((digest) => ({ digest, ttlSeconds: 60 })));
    for (const digest of digests) expect(await cache.get(digest)).toEqual({ revoked: true });
  });

  it('revokes and reads many tokens at once (on Cluster: keys of many slots, no CROSSSLOT)', async () => {
    const digests = Array.from({ length: 40 }, () => newDigest());
    // The digests spread over many slots, so one MGET or MULTI over them would be refused.
    expect(new Set(digests.map((digest) => keySlot(digest))).size).toBeGreaterThan(30);
    const [live, revoked] = [digests.slice(0, 20), digests.slice(20)];
    await Promise.all(live.map((digest) => cache.add(digest, token(), 60)));
    await cache.revoke(revoked.map((digest) => ({ digest, ttlSeconds: 60 })));
    const answers = await Promise.all(digests.map((digest) => cache.get(digest)));
    expect(answers.slice(0, 20)).toEqual(live.map(() => token()));
    expect(answers.slice(20)).toEqual(revoked.map(() => ({ revoked: true })));
    await cache.revoke(live.map((digest) => ({ digest, ttlSeconds: 60 })));
    const after = await Promise.all(live.map((digest) => cache.get(digest)));
    expect(after).toEqual(live.map(() => ({ revoked: true })));
  });

  it('revoke of no entries does nothing', async () => {
    await expect(cache.revoke([])).resolves.toBeUndefined();
  });

  it('add keeps the entry for the requested number of seconds', async () => {
    const digest = newDigest();
    await cache.add(digest, token(), 120);
    await fixture.expectExpiresAfter(digest, 120);
  });

  it('revoke keeps each tombstone for its own number of seconds', async () => {
    const [short, long] = [newDigest(), newDigest()];
    await cache.revoke([
      { digest: short, ttlSeconds: 30 },
      { digest: long, ttlSeconds: 3600 },
    ]);
    await fixture.expectExpiresAfter(long, 3600);
    await fixture.expectExpiresAfter(short, 30);
  });

  it('rounds TTLs up to whole seconds, at least 1', async () => {
    const [zero, negative, fraction] = [newDigest(), newDigest(), newDigest()];
    await cache.add(zero, token(), 0);
    await cache.revoke([{ digest: negative, ttlSeconds: -5 }]);
    await cache.add(fraction, token(), 1.2);
    await fixture.expectExpiresAfter(fraction, 2);
    await fixture.expectExpiresAfter(zero, 1);
    await fixture.expectExpiresAfter(negative, 1);
  });

  it('refuses a TTL that is not a finite number and writes nothing', async () => {
    const [a, b] = [newDigest(), newDigest()];
    await expect(cache.add(a, token(), Number.NaN)).rejects.toThrow(RangeError);
    await expect(
      cache.revoke([
        { digest: a, ttlSeconds: 60 },
        { digest: b, ttlSeconds: Number.POSITIVE_INFINITY },
      ]),
    ).rejects.toThrow(RangeError);
    expect(await cache.get(a)).toBeUndefined();
    expect(await cache.get(b)).toBeUndefined();
  });

  if (backend.redis) {
    describe('Redis storage', () => {
      const raw = () => fixture as RedisFixture;

      it('stores the documented JSON under keyPrefix + digest', async () => {
        const [live, revoked] = [newDigest(), newDigest()];
        await cache.add(live, token({ sub: null }), 60);
        await cache.revoke([{ digest: revoked, ttlSeconds: 60 }]);
        const { redis, keyPrefix } = raw();
        expect(await redis.get(keyPrefix + live)).toBe(
          '{"sub":null,"client_id":"client-1","scope":"read write","exp":1900000000}',
        );
        expect(await redis.get(keyPrefix + revoked)).toBe('{"revoked":true}');
        expect(await redis.exists(live)).toBe(0);
        expect(await redis.exists(revoked)).toBe(0);
      });

      it('reads values written by another writer in any field order', async () => {
        const digest = newDigest();
        const { redis, keyPrefix } = raw();
        await redis.set(
          keyPrefix + digest,
          '{"exp":1900000000,"scope":"read write","extra":[1],"client_id":"client-1","sub":"user-1"}',
          'EX',
          60,
        );
        expect(await cache.get(digest)).toStrictEqual(token());
      });

      it.each([
        ['not JSON', 'not json{'],
        ['JSON null', 'null'],
        ['a JSON string', '"revoked"'],
        ['an array', '[{"revoked":true}]'],
        ['a non-boolean revoked', '{"revoked":"true"}'],
        [
          'revoked false on a token',
          '{"revoked":false,"sub":"u","client_id":"c","scope":"","exp":1}',
        ],
        ['a numeric sub', '{"sub":1,"client_id":"c","scope":"","exp":1}'],
        ['a missing client_id', '{"sub":"u","scope":"","exp":1}'],
        ['a scope array', '{"sub":"u","client_id":"c","scope":["a"],"exp":1}'],
        ['a string exp', '{"sub":"u","client_id":"c","scope":"","exp":"1"}'],
        ['an empty object', '{}'],
      ])('treats %s as a miss', async (_label, value) => {
        const digest = newDigest();
        const { redis, keyPrefix } = raw();
        await redis.set(keyPrefix + digest, value, 'EX', 60);
        await expect(cache.get(digest)).resolves.toBeUndefined();
      });

      it('treats a key of another Redis type as a miss', async () => {
        const digest = newDigest();
        const { redis, keyPrefix } = raw();
        await redis.hset(keyPrefix + digest, 'sub', 'user-1');
        await redis.expire(keyPrefix + digest, 60);
        await expect(cache.get(digest)).resolves.toBeUndefined();
      });

      it('rejects with CacheUnavailableError when the client cannot reach Redis', async () => {
        const connection = openRedis(raw().running.config);
        expect(await waitForRedis(connection.client, 10_000)).toBe(true);
        const closed = new RedisTokenCache(connection.client, raw().keyPrefix);
        await closeRedis(connection);
        const digest = newDigest();
        await expect(closed.get(digest)).rejects.toThrow(CacheUnavailableError);
        await expect(closed.add(digest, token(), 60)).rejects.toThrow(CacheUnavailableError);
        await expect(closed.revoke([{ digest, ttlSeconds: 60 }])).rejects.toThrow(
          CacheUnavailableError,
        );
      });
    });
  }
});

describe('MemoryTokenCache bounds', () => {
  it('evicts the oldest write once maxEntries is reached', async () => {
    const cache = new MemoryTokenCache({ maxEntries: 3, now: () => 0 });
    const [a, b, c, d] = [newDigest(), newDigest(), newDigest(), newDigest()];
    for (const digest of [a, b, c, d]) await cache.add(digest, token(), 60);
    expect(cache.size).toBe(3);
    expect(await cache.get(a)).toBeUndefined();
    for (const digest of [b, c, d]) expect(await cache.get(digest)).toEqual(token());
  });

  it('treats a fresh tombstone as the newest entry', async () => {
    const cache = new MemoryTokenCache({ maxEntries: 3, now: () => 0 });
    const [a, b, c, d] = [newDigest(), newDigest(), newDigest(), newDigest()];
    for (const digest of [a, b, c]) await cache.add(digest, token(), 60);
    await cache.revoke([{ digest: a, ttlSeconds: 60 }]);
    await cache.add(d, token(), 60);
    expect(cache.size).toBe(3);
    expect(await cache.get(a)).toEqual({ revoked: true });
    expect(await cache.get(b)).toBeUndefined();
  });

  it('refuses a maxEntries below 1', () => {
    expect(() => new MemoryTokenCache({ maxEntries: 0 })).toThrow(RangeError);
  });
});
