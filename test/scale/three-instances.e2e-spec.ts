import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { SentinelModule, type SentinelModuleOptions } from '../../src/index.js';
import { mongoUrl, uniqueDbName, uniqueKeyPrefix } from '../harness/backends.js';
import {
  CLUSTER,
  TOPOLOGY_START_TIMEOUT_MS,
  startShared,
  stopShared,
} from '../harness/redis-deployments.js';
import { startRoundRobinProxy, type RoundRobinProxy } from '../harness/round-robin-proxy.js';
import { freePorts } from '../harness/test-services.js';
import { seed, startApp, type Seeded } from '../module/module-testing.js';
import {
  buildInstanceApp,
  callApi,
  postForm,
  removeInstanceApp,
  startInstances,
  statusWithin,
  stopInstances,
  type BuiltInstanceApp,
  type Instance,
} from './scale-testing.js';

// Issue 17, "N instances behind a balancer"; docs/security.md 9 and 36; README "Deploying at
// scale". Three instances, each its own process, share a Redis Cluster (3 + 3) and FerretDB
// behind a round-robin proxy. A token from any instance validates on every instance, and a
// revocation (RFC 7009 §2) through any instance is refused by every instance.

const CONFIGURATIONS: Array<{ name: string; localCache: SentinelModuleOptions['localCache'] }> = [
  // The longest TTL allowed, longer than any test here: only the revocation broadcast (ADR 0009) can evict a
  // revoked token from an instance's in-process cache, not its expiry.
  { name: 'localCache on', localCache: { ttlMs: 60_000, maxEntries: 1000 } },
  { name: 'localCache off', localCache: false },
];

let built: BuiltInstanceApp | undefined;

beforeAll(async () => {
  [built] = await Promise.all([buildInstanceApp(), startShared(CLUSTER)]);
}, TOPOLOGY_START_TIMEOUT_MS);

afterAll(async () => {
  await stopShared();
  removeInstanceApp(built);
});

describe.each(CONFIGURATIONS)(
  '3 instances (separate processes) on Redis Cluster + FerretDB behind a round-robin proxy, $name',
  ({ name, localCache }) => {
    let seeder: INestApplication | undefined;
    let instances: Instance[] | undefined;
    let proxy: RoundRobinProxy | undefined;
    let seeded: Seeded;

    beforeAll(async () => {
      const cluster = await startShared(CLUSTER);
      const label = `scale_${name.replace(/\W/g, '_')}`;
      const options: SentinelModuleOptions = {
        mongo: { uri: mongoUrl(), dbName: uniqueDbName(label) },
        redis: cluster.config,
        keyPrefix: uniqueKeyPrefix(label),
        bcryptCost: 10,
        localCache,
      };
      // The user and the client go to the shared MongoDB through a short-lived app of the test.
      seeder = await startApp([SentinelModule.forRoot({ mongo: options.mongo, bcryptCost: 10 })]);
      seeded = await seed(seeder);
      const ports = await freePorts(3);
      instances = await startInstances(built!, ports, options);
      proxy = await startRoundRobinProxy(ports);
    }, TOPOLOGY_START_TIMEOUT_MS);

    afterAll(async () => {
      await proxy?.close();
      await stopInstances(instances);
      await seeder?.close();
    });

    /** A password grant (RFC 6749 §4.3) through the proxy: whichever instance it reaches. */
    async function login(): Promise<string> {
      const res = await postForm(proxy!.url, '/oauth/token', {
        grant_type: 'password',
        client_id: seeded.clientId,
        username: seeded.username,
        password: seeded.password,
      });
      expect(res.status).toBe(200);
      return res.body.access_token as string;
    }

    /** `count` requests through the proxy, one after the other: one per instance in turn. */
    async function throughProxy(token: string, count = 3): Promise<number[]> {
      const statuses: number[] = [];
      for (let i = 0; i < count; i += 1) statuses.push((await callApi(proxy!.url, token)).status);
      return statuses;
    }

    it('a token issued through the proxy validates on every instance, directly and through the proxy', async () => {
      const before = [...proxy!.forwarded];
      const token = await login();
      const direct = await Promise.all(instances!.map(({ base }) => callApi(base, token)));
      expect(direct).toEqual(instances!.map(() => ({ status: 200, userId: seeded.userId })));
      expect(await throughProxy(token)).toEqual([200, 200, 200]);
      // The login and the three calls were spread over every instance.
      const spread = proxy!.forwarded.map((count, i) => count - before[i]);
      expect(spread.sort()).toEqual([1, 1, 2]);
    });

    it.each([
      ['instance 1', 0],
      ['instance 2', 1],
      ['instance 3', 2],
      ['the proxy', -1],
    ])(
      'a revocation through %s is refused (401) by every instance; another login stays valid',
      async (_via, index) => {
        const [token, kept] = [await login(), await login()];
        // Checked once on every instance first: with localCache on, each now holds it in memory.
        const checked = await Promise.all(instances!.map(({ base }) => callApi(base, token)));
        expect(checked.map(({ status }) => status)).toEqual([200, 200, 200]);

        const via = index < 0 ? proxy!.url : instances![index].base;
        const revoked = await postForm(via, '/oauth/revoke', {
          client_id: seeded.clientId,
          token,
        });
        expect(revoked).toEqual({ status: 200, body: {} });

        // Outcome, not timing: each instance polled (bounded) until it refuses.
        const after = await Promise.all(
          instances!.map(({ base }) => statusWithin(base, token, 401)),
        );
        expect(after).toEqual([401, 401, 401]);
        expect(await throughProxy(token)).toEqual([401, 401, 401]);
        const others = await Promise.all(instances!.map(({ base }) => callApi(base, kept)));
        expect(others.map(({ status }) => status)).toEqual([200, 200, 200]);
      },
    );
  },
);
