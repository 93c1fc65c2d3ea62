import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import type { LockoutPolicy } from '../../src/abuse/attempt-counter.js';
import { bruteForceKeyPrefix, RedisAttemptCounter } from '../../src/abuse/redis-attempt-counter.js';
import { keySlot } from '../../src/cache/key-slot.js';
import {
  closeRedis,
  openRedis,
  waitForRedis,
  type RedisConnection,
} from '../../src/cache/redis-connection.js';
import { uniqueKeyPrefix } from '../harness/backends.js';
import {
  REDIS_DEPLOYMENTS,
  TOPOLOGY_START_TIMEOUT_MS,
  type RunningRedis,
} from '../harness/redis-deployments.js';

// docs/security.md 13 and 36, ADR 0007 and 0012: one attempt's Lua script over the account and the
// address counters, on standalone, Sentinel and Cluster. The limiter falls back to memory on any
// Redis error, so the counter is driven directly here: a CROSSSLOT would reject and fail.

const POLICY: LockoutPolicy = {
  freeAttempts: 2,
  lockSeconds: 60,
  maxLockSeconds: 900,
  resetAfterSeconds: 3600,
};
const NOW = 1_900_000_000_000;

describe.each(REDIS_DEPLOYMENTS)('RedisAttemptCounter on Redis $name', (deployment) => {
  let running: RunningRedis;
  let connection: RedisConnection;
  let redis: Redis;
  let counter: RedisAttemptCounter;
  const prefix = bruteForceKeyPrefix(uniqueKeyPrefix('attempts'));

  beforeAll(async () => {
    running = await deployment.start();
    connection = openRedis(running.config);
    redis = connection.client;
    expect(await waitForRedis(redis, 10_000)).toBe(true);
    counter = new RedisAttemptCounter(redis);
  }, TOPOLOGY_START_TIMEOUT_MS);
  afterAll(async () => {
    if (deployment.name === 'standalone') {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    await closeRedis(connection);
    await running.stop();
  });

  it('keeps every counter of a keyPrefix in one hash slot', () => {
    const keys = ['account:aa', 'ip:bb', 'client:cc'].map((rest) => prefix + rest);
    expect(new Set(keys.map(keySlot)).size).toBe(1);
    // Without the tag these keys would land in different slots (and scripts would be refused).
    expect(new Set(keys.map((key) => keySlot(key.replace(/[{}]/g, '')))).size).toBeGreaterThan(1);
  });

  if (deployment.name === 'cluster') {
    it('computes the slots redis-server computes (CLUSTER KEYSLOT)', async () => {
      for (const key of [`${prefix}ip:x`, 'sentinel:token:abc', 'foo{}{bar}', '{user1}.a']) {
        expect(await redis.cluster('KEYSLOT', key)).toBe(keySlot(key));
      }
    });
  }

  it('counts account and address together and locks both, with no CROSSSLOT', async () => {
    const keys = [
      { key: `${prefix}account:alice`, policy: POLICY },
      { key: `${prefix}ip:127.0.0.1`, policy: POLICY },
    ];
    for (let i = 0; i < 3; i++)
      expect(await counter.acquire(keys, NOW + i)).toEqual({ allowed: true });
    const refused = await counter.acquire(keys, NOW + 10);
    expect(refused).toEqual({ allowed: false, lockedUntil: NOW + 2 + 60_000 });
    expect(await counter.read(keys[1].key, POLICY, NOW + 10)).toEqual({
      attempts: 3,
      lockedUntil: NOW + 2 + 60_000,
    });
    await counter.release(keys.map((k) => k.key));
    await counter.reset(keys.map((k) => k.key));
    expect(await counter.read(keys[0].key, POLICY, NOW + 10)).toEqual({
      attempts: 0,
      lockedUntil: 0,
    });
  });
});
