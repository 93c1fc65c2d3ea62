import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { keySlot } from '../../src/cache/key-slot.js';
import { RedisTokenCache } from '../../src/cache/redis-token-cache.js';
import { digest } from '../../src/crypto/digest.js';
import { mongoUrl, uniqueDbName, uniqueKeyPrefix } from '../harness/backends.js';
import { redisCli, startRedisCluster, type ClusterTopology } from '../harness/redis-topologies.js';
import {
  callApi,
  createTestClient,
  login,
  postForm,
  startProtocolApp,
  type ProtocolApp,
  type TestClient,
} from '../revocation/protocol-testing.js';
import { eventually, settled } from './fault-testing.js';

// docs/security.md 36, issue 17, ADR 0017: on Redis Cluster, a revocation acknowledged while the
// replica of the token's slot has its link down, then that slot's primary killed and the stale
// replica promoted. The token must stay refused throughout, with no 500s.

const PASSWORD = 'correct horse battery staple';

/** GET on one node, replica or not (READONLY lets a replica answer for its primary's slots). */
async function getOn(port: number, key: string): Promise<string | null> {
  const node = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1 });
  try {
    await node.call('READONLY');
    return await node.get(key);
  } finally {
    node.disconnect();
  }
}

/** The primary serving `slot` and its replica, from CLUSTER NODES. */
function slotOwners(port: number, slot: number): { primary: number; replica: number } {
  const nodes = redisCli(port, 'CLUSTER', 'NODES')
    .split('\n')
    .map((line) => line.split(' '));
  const portOf = (fields: string[]) => Number(fields[1].split('@')[0].split(':')[1]);
  const owner = nodes.find(
    (fields) =>
      fields[2].includes('master') &&
      fields.slice(8).some((range) => {
        const [from, to = from] = range.split('-').map(Number);
        return slot >= from && slot <= to;
      }),
  )!;
  const replica = nodes.find((fields) => fields[3] === owner[0])!;
  return { primary: portOf(owner), replica: portOf(replica) };
}

describe('Cluster failover to a replica that missed the tombstone (issue 17, ADR 0017)', () => {
  let topology: ClusterTopology;
  let t: ProtocolApp;
  let client: TestClient;
  const keyPrefix = uniqueKeyPrefix('cluster_failover');
  const tokenKey = (token: string) => `${keyPrefix}token:${digest(token)}`;
  const username = `alice-${Math.floor(Math.random() * 1e9)}`;

  beforeAll(async () => {
    topology = await startRedisCluster();
    t = await startProtocolApp({
      mongo: { uri: mongoUrl(), dbName: uniqueDbName('cluster_failover') },
      redis: { clusterNodes: topology.nodes },
      keyPrefix,
      redisTimeoutMs: 1000,
    });
    client = await createTestClient(t.clients, { clientType: 'public' });
    await t.users.create({ username, password: PASSWORD });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await topology?.stop();
  });

  it('keeps refusing the revoked token after its slot fails over; no 500s', async () => {
    const revoked = await login(t.app, client, username, PASSWORD);
    const kept = await login(t.app, client, username, PASSWORD);
    for (const token of [revoked, kept]) {
      expect((await settled(callApi(t.app, token.access_token))).status).toBe(200);
    }
    const key = tokenKey(revoked.access_token);
    const { primary, replica } = slotOwners(topology.nodes[0].port, keySlot(key));
    expect(redisCli(primary, 'WAIT', '1', '2000')).toBe('1');
    expect(await getOn(replica, key)).toMatch(/"exp"/);

    // Cut the replica's link: it now sends a password its primary refuses on every resync.
    expect(redisCli(replica, 'CONFIG', 'SET', 'masterauth', 'not-the-password')).toBe('OK');
    redisCli(primary, 'CLIENT', 'KILL', 'TYPE', 'replica');
    await eventually(
      async () => /master_link_status:down/.test(redisCli(replica, 'INFO', 'replication')),
      'the replica link down',
    );

    // Acknowledged revocation: the tombstone is on the primary only.
    const res = await settled(
      postForm(t.app, '/oauth/revoke', client, { token: revoked.access_token }),
    );
    expect(res.status).toBe(200);
    expect(await getOn(primary, key)).toBe('{"revoked":true}');
    expect(await getOn(replica, key)).toMatch(/"exp"/);

    const killedAt = performance.now();
    await topology.server(primary)!.kill();
    const statuses = new Set<number>();
    const guard = (t.cache as RedisTokenCache).staleEntries!;
    await eventually(async () => {
      const [gone, live] = await Promise.all([
        settled(callApi(t.app, revoked.access_token)),
        settled(callApi(t.app, kept.access_token)),
      ]);
      expect(gone.status).toBe(401);
      statuses.add(live.status);
      return (
        /role:master/.test(redisCli(replica, 'INFO', 'replication')) &&
        /cluster_state:ok/.test(redisCli(replica, 'CLUSTER', 'INFO')) &&
        guard.isVerified
      );
    }, 'failover of the slot and the cache verified');
    const recoveredMs = performance.now() - killedAt;
    expect([...statuses]).toEqual([200]);

    // The promoted replica's live entry was dropped, not served; the cache fills again.
    expect((await settled(callApi(t.app, revoked.access_token))).status).toBe(401);
    expect((await getOn(replica, key)) ?? 'dropped').not.toMatch(/"exp"/);
    expect((await settled(callApi(t.app, kept.access_token))).status).toBe(200);
    // Reported for the closing note.
    process.stdout.write(`[cluster failover] killed → verified: ${Math.round(recoveredMs)} ms\n`);
  }, 120_000);
});
