import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Cluster, type Redis } from 'ioredis';
import { closeRedis, openRedis, waitForRedis } from '../../src/cache/redis-connection.js';
import { CLUSTER, SENTINEL, type RunningRedis } from '../harness/redis-deployments.js';

// Issue 17: the `redis` option's Sentinel and Cluster forms make bounded clients the module owns
// (and closes); a Cluster client the application passes in is used as is and never closed.

describe('openRedis with Sentinel settings (real Sentinels)', () => {
  let running: RunningRedis;
  beforeAll(async () => {
    running = await SENTINEL.start();
  }, 120_000);
  afterAll(() => running.stop());

  it('finds the primary through the Sentinels, bounded like any client, and closes it', async () => {
    const connection = openRedis(running.config, { commandTimeoutMs: 700 });
    expect(connection.owned).toBe(true);
    expect(await waitForRedis(connection.client, 10_000)).toBe(true);
    expect(connection.client.options).toMatchObject({
      name: running.sentinel!.name,
      commandTimeout: 700,
      enableOfflineQueue: false,
    });
    expect(await connection.client.set('topology:sentinel', '1', 'EX', 10)).toBe('OK');
    // Writes land on the primary the Sentinels name.
    const port = (connection.client as Redis & { stream: { remotePort: number } }).stream
      .remotePort;
    expect(port).toBe(running.sentinel!.primaryPort());
    await closeRedis(connection);
    expect(connection.client.status).toBe('end');
  });
});

describe('openRedis with a Cluster (real 3 + 3 cluster)', () => {
  let running: RunningRedis;
  beforeAll(async () => {
    running = await CLUSTER.start();
  }, 120_000);
  afterAll(() => running.stop());

  it('makes a bounded Cluster client from a node list and closes it', async () => {
    const connection = openRedis(running.config, { commandTimeoutMs: 700 });
    expect(connection.owned).toBe(true);
    const cluster = connection.client as unknown as Cluster;
    expect(cluster.isCluster).toBe(true);
    expect(await waitForRedis(connection.client, 10_000)).toBe(true);
    expect(cluster.options.enableOfflineQueue).toBe(false);
    expect(cluster.options.redisOptions).toMatchObject({ commandTimeout: 700 });
    expect(await connection.client.set('topology:cluster', '1', 'EX', 10)).toBe('OK');
    await closeRedis(connection);
    expect(connection.client.status).toBe('end');
  });

  it('uses an application Cluster client as is and never closes it', async () => {
    const own = new Cluster(running.cluster!.nodes);
    const connection = openRedis(own);
    expect(connection).toEqual({ client: own, owned: false });
    expect(await waitForRedis(connection.client, 10_000)).toBe(true);
    await closeRedis(connection);
    expect(own.status).toBe('ready');
    expect(await own.get('topology:cluster')).toBe('1');
    own.disconnect();
  });
});
