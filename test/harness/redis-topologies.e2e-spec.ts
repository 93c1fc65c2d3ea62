import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Cluster, Redis } from 'ioredis';
import {
  startRedisCluster,
  startRedisSentinel,
  type ClusterTopology,
  type SentinelTopology,
} from './redis-topologies.js';

// The topologies the distributed-Redis suites run on (issue 17): real processes, real failovers.
describe('Redis Sentinel topology (primary, replica, 3 Sentinels)', () => {
  let topology: SentinelTopology;
  let client: Redis;
  beforeAll(async () => {
    topology = await startRedisSentinel();
    client = new Redis({ sentinels: topology.sentinels, name: topology.name });
  }, 90_000);
  afterAll(async () => {
    client.disconnect();
    await topology.stop();
  });

  it('serves writes through the Sentinels and promotes the replica when the primary dies', async () => {
    await client.set('harness:sentinel', 'before', 'EX', 60);
    await client.wait(1, 5000);
    const old = topology.primaryPort();
    await topology.server(old)!.kill();
    await topology.waitForFailover(old);
    expect(topology.primaryPort()).not.toBe(old);
    // The replica had the key (WAIT above), and the client follows the Sentinels to it.
    expect(await client.get('harness:sentinel')).toBe('before');
  }, 90_000);
});

describe('Redis Cluster topology (3 primaries, 3 replicas)', () => {
  let topology: ClusterTopology;
  let client: Cluster;
  beforeAll(async () => {
    topology = await startRedisCluster();
    client = new Cluster(topology.nodes);
  }, 90_000);
  afterAll(async () => {
    client.disconnect();
    await topology.stop();
  });

  it('shards keys over 3 primaries and refuses a multi-key command across slots', async () => {
    expect(topology.primaryPorts()).toHaveLength(3);
    await client.set('{harness}:a', '1');
    await client.set('{harness}:b', '2');
    expect(await client.mget('{harness}:a', '{harness}:b')).toEqual(['1', '2']);
    await expect(client.mget('harness:a', 'harness:b')).rejects.toThrow(/CROSSSLOT/);
  }, 30_000);

  it('promotes a replica when a primary is killed', async () => {
    const [victim] = topology.primaryPorts();
    await topology.server(victim)!.kill();
    await topology.waitForHealthy();
    expect(topology.primaryPorts()).not.toContain(victim);
    expect(topology.primaryPorts()).toHaveLength(3);
  }, 90_000);
});
