import { describe, expect, it } from '@jest/globals';
import { Cluster, Redis } from 'ioredis';
import { resolveRedis } from './backend-options.js';
import { SentinelConfigError } from './option-checks.js';

describe('resolveRedis: Sentinel and Cluster forms (issue 17)', () => {
  it('accepts Sentinel settings, a Cluster node list and a Cluster client', () => {
    const sentinel = { sentinels: [{ host: '127.0.0.1', port: 26379 }], name: 'mymaster' };
    expect(resolveRedis(sentinel)).toBe(sentinel);
    const nodes = { clusterNodes: [{ host: '127.0.0.1', port: 7000 }, '127.0.0.1:7001'] };
    expect(resolveRedis(nodes)).toBe(nodes);
    const cluster = new Cluster([{ host: '127.0.0.1', port: 7000 }], { lazyConnect: true });
    expect(resolveRedis(cluster)).toBe(cluster);
    cluster.disconnect();
    const client = new Redis({ lazyConnect: true });
    expect(resolveRedis(client)).toBe(client);
    client.disconnect();
  });

  it.each([
    [{ sentinels: [{ host: '127.0.0.1', port: 26379 }] }, 'redis.name'],
    [{ sentinels: [], name: 'mymaster' }, 'redis.sentinels'],
    [{ sentinels: 'localhost:26379', name: 'mymaster' }, 'redis.sentinels'],
    [{ clusterNodes: [] }, 'redis.clusterNodes'],
    [{ clusterNodes: 'localhost:7000' }, 'redis.clusterNodes'],
    [[{ host: '127.0.0.1', port: 7000 }], 'redis'],
  ])('rejects %j naming "%s"', (value, field) => {
    let error: unknown;
    try {
      resolveRedis(value);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SentinelConfigError);
    expect((error as SentinelConfigError).field).toBe(field);
  });
});
