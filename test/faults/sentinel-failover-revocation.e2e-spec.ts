import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { RedisTokenCache } from '../../src/cache/redis-token-cache.js';
import { digest } from '../../src/crypto/digest.js';
import { mongoUrl, uniqueDbName, uniqueKeyPrefix } from '../harness/backends.js';
import {
  redisCli,
  startRedisSentinel,
  type SentinelTopology,
} from '../harness/redis-topologies.js';
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

// docs/security.md 36, issue 17, ADR 0017: a revocation acknowledged (200) while the replica's link to
// the primary is down, then the primary killed and the stale replica promoted by the Sentinels.
// The replica still holds the token's live entry; the token must stay refused throughout.

const PASSWORD = 'correct horse battery staple';

function replicationField(port: number, field: string): string | undefined {
  return new RegExp(`^${field}:(.*)$`, 'm')
    .exec(redisCli(port, 'INFO', 'replication'))?.[1]
    ?.trim();
}

describe('Sentinel failover to a replica that missed the tombstone (issue 17, ADR 0017)', () => {
  let topology: SentinelTopology;
  let t: ProtocolApp;
  let client: TestClient;
  const keyPrefix = uniqueKeyPrefix('sentinel_failover');
  const tokenKey = (token: string) => `${keyPrefix}token:${digest(token)}`;
  const username = `alice-${Math.floor(Math.random() * 1e9)}`;

  beforeAll(async () => {
    topology = await startRedisSentinel();
    t = await startProtocolApp({
      mongo: { uri: mongoUrl(), dbName: uniqueDbName('sentinel_failover') },
      redis: { sentinels: topology.sentinels, name: topology.name },
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

  it('keeps refusing the revoked token after the stale replica is promoted; no 500s', async () => {
    const revoked = await login(t.app, client, username, PASSWORD);
    const kept = await login(t.app, client, username, PASSWORD);
    for (const token of [revoked, kept]) {
      expect((await settled(callApi(t.app, token.access_token))).status).toBe(200);
    }
    const primary = topology.primaryPort();
    const replica = otherServer(primary);
    expect(redisCli(primary, 'WAIT', '1', '2000')).toBe('1');
    expect(redisCli(replica, 'GET', tokenKey(revoked.access_token))).toMatch(/"exp"/);

    // Cut the replica's link: it now sends a password the primary refuses on every resync.
    expect(redisCli(replica, 'CONFIG', 'SET', 'masterauth', 'not-the-password')).toBe('OK');
    const admin = new Redis({ port: primary, host: '127.0.0.1', maxRetriesPerRequest: 1 });
    await admin.client('KILL', 'TYPE', 'replica');
    await eventually(
      async () => replicationField(replica, 'master_link_status') === 'down',
      'the replica link down',
    );

    // Acknowledged revocation: the tombstone is on the primary only.
    const res = await settled(
      postForm(t.app, '/oauth/revoke', client, { token: revoked.access_token }),
    );
    expect(res.status).toBe(200);
    expect(await admin.get(tokenKey(revoked.access_token))).toBe('{"revoked":true}');
    expect(redisCli(replica, 'GET', tokenKey(revoked.access_token))).toMatch(/"exp"/);
    admin.disconnect();

    const killedAt = performance.now();
    await topology.server(primary)!.kill();
    const statuses = new Set<number>();
    const guard = (t.cache as RedisTokenCache).staleEntries!;
    // Throughout the failover: the revoked token refused, the other one served, no 500.
    await eventually(async () => {
      const [gone, live] = await Promise.all([
        settled(callApi(t.app, revoked.access_token)),
        settled(callApi(t.app, kept.access_token)),
      ]);
      expect(gone.status).toBe(401);
      statuses.add(live.status);
      return topology.primaryPort() === replica && t.redis?.status === 'ready' && guard.isVerified;
    }, 'failover to the stale replica and the cache verified');
    const recoveredMs = performance.now() - killedAt;
    expect([...statuses]).toEqual([200]);

    // The promoted replica had the live entry; it was dropped, not served.
    expect((await settled(callApi(t.app, revoked.access_token))).status).toBe(401);
    expect(redisCli(replica, 'GET', tokenKey(revoked.access_token))).not.toMatch(/"exp"/);
    // The cache fills again on the new primary without a restart.
    expect((await settled(callApi(t.app, kept.access_token))).status).toBe(200);
    expect(redisCli(replica, 'GET', tokenKey(kept.access_token))).toMatch(/"exp"/);
    process.stdout.write(
      `[sentinel failover] killed → verified on new primary: ${Math.round(recoveredMs)} ms\n`,
    );
  }, 120_000);

  function otherServer(primary: number): number {
    const ports = topology.description.match(/:(\d+)/g)!.map((p) => Number(p.slice(1)));
    return ports.slice(0, 2).find((port) => port !== primary)!;
  }
});
