import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Redis } from 'ioredis';
import { closeRedis, openRedis, waitForRedis } from '../../src/cache/redis-connection.js';
import { RedisTokenCache, serializeToken } from '../../src/cache/redis-token-cache.js';
import type { CachedToken } from '../../src/cache/token-cache.js';
import { redisUrl, uniqueKeyPrefix } from '../harness/backends.js';

const TOKEN: CachedToken = { sub: 'u', client_id: 'c', scope: 'read', exp: 4_000_000_000 };

/** Lookups made together leave as one MGET, with each answer as a lone GET would give it. */
describe('RedisTokenCache read batching on redis-server', () => {
  let client: Redis;
  let connection: ReturnType<typeof openRedis>;
  const prefix = `${uniqueKeyPrefix('read-batch')}token:`;

  beforeAll(async () => {
    connection = openRedis(redisUrl());
    client = connection.client;
    expect(await waitForRedis(client, 10_000)).toBe(true);
    await client.set(`${prefix}live`, serializeToken(TOKEN));
    await client.set(`${prefix}revoked`, '{"revoked":true}');
    await client.hset(`${prefix}hash`, 'a', '1'); // another type under our prefix
  });

  afterAll(async () => {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
    await closeRedis(connection);
  });

  it('answers concurrent lookups from one MGET, each as its own GET would', async () => {
    const cache = new RedisTokenCache(client, prefix);
    const mget = jest.spyOn(client, 'mget');
    const get = jest.spyOn(client, 'get');
    const answers = await Promise.all(
      ['live', 'revoked', 'hash', 'missing', 'live'].map((key) => cache.get(key)),
    );
    expect(answers).toEqual([TOKEN, { revoked: true }, undefined, undefined, TOKEN]);
    expect(mget).toHaveBeenCalledTimes(1);
    expect(get).not.toHaveBeenCalled();
    mget.mockRestore();
    get.mockRestore();
  });

  it('sends a lone lookup as GET, and reads another type as a miss', async () => {
    const cache = new RedisTokenCache(client, prefix);
    const mget = jest.spyOn(client, 'mget');
    expect(await cache.get('live')).toEqual(TOKEN);
    expect(await cache.get('hash')).toBeUndefined();
    expect(mget).not.toHaveBeenCalled();
    mget.mockRestore();
  });

  it('fails every lookup of a batch when Redis does, as CacheUnavailableError', async () => {
    const cache = new RedisTokenCache(client, prefix);
    const mget = jest.spyOn(client, 'mget').mockRejectedValueOnce(new Error('connection lost'));
    const results = await Promise.allSettled([cache.get('live'), cache.get('revoked')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    for (const result of results) {
      expect((result as PromiseRejectedResult).reason).toMatchObject({
        name: 'CacheUnavailableError',
      });
    }
    mget.mockRestore();
  });
});
