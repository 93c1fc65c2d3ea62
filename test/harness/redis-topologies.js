/**
 * Redis Sentinel and Redis Cluster topologies for the tests, started on demand by the suites that
 * need them (not by the global setup: only a few suites pay their start-up time). Every process
 * listens on a free loopback port in a temporary directory removed by `stop()`.
 *
 * - Sentinel: one primary, one replica and 3 Sentinels (`redis-server --sentinel`, so the Debian
 *   `redis-sentinel` package is not needed), quorum 2, `down-after-milliseconds` 1000, so a
 *   killed primary is replaced within a few seconds (https://redis.io/docs/management/sentinel/).
 * - Cluster: 3 primaries and 3 replicas (`--cluster-enabled yes`, `redis-cli --cluster create
 *   … --cluster-replicas 1`), `cluster-node-timeout` 1000 for the same reason
 *   (https://redis.io/docs/management/scaling/).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  findRedisCli,
  findRedisServer,
  freePorts,
  makeServiceDir,
  redisProcess,
} from './test-services.js';

const READY_WITHIN_MS = 60_000;

/** Runs one redis-cli command against a loopback port; the reply as text ('' when unreachable). */
export function redisCli(port, ...args) {
  const result = spawnSync(findRedisCli(), ['-h', '127.0.0.1', '-p', String(port), ...args], {
    encoding: 'utf8',
    timeout: 5000,
  });
  return result.status === 0 ? result.stdout.trim() : '';
}

async function until(check, what) {
  const deadline = Date.now() + READY_WITHIN_MS;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} not reached within ${READY_WITHIN_MS / 1000} s`);
}

function infoField(port, section, field) {
  const match = new RegExp(`^${field}:(.*)$`, 'm').exec(redisCli(port, 'INFO', section));
  return match?.[1]?.trim();
}

/** Primary + replica + 3 Sentinels monitoring `name`. */
export async function startRedisSentinel({ name = 'sentinel-test' } = {}) {
  findRedisServer();
  findRedisCli();
  const dir = makeServiceDir('sentinel-redis-sentinel-');
  const [primaryPort, replicaPort, ...sentinelPorts] = await freePorts(5);
  const primary = redisProcess(primaryPort, join(dir.path, 'primary'), []);
  const replica = redisProcess(replicaPort, join(dir.path, 'replica'), [
    '--replicaof',
    '127.0.0.1',
    String(primaryPort),
  ]);
  await primary.start();
  await replica.start();
  const sentinels = sentinelPorts.map((port) => {
    const config = join(dir.path, `sentinel-${port}.conf`);
    writeFileSync(
      config,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir.path}`,
        `sentinel monitor ${name} 127.0.0.1 ${primaryPort} 2`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 5000`,
        `sentinel parallel-syncs ${name} 1`,
        '',
      ].join('\n'),
    );
    return redisProcess(port, undefined, ['--sentinel'], 'redis-sentinel', config);
  });
  await Promise.all(sentinels.map((sentinel) => sentinel.start()));
  const processes = [primary, replica, ...sentinels];
  const topology = {
    name,
    sentinels: sentinelPorts.map((port) => ({ host: '127.0.0.1', port })),
    description: `Redis Sentinel '${name}': primary :${primaryPort}, replica :${replicaPort}, sentinels :${sentinelPorts.join(', :')}`,
    /** The port of the current primary, as the Sentinels report it. */
    primaryPort() {
      const reply = redisCli(sentinelPorts[0], 'SENTINEL', 'get-master-addr-by-name', name);
      return Number(reply.split('\n')[1]);
    },
    /** The redis-server process on `port` (primary or replica). */
    server(port) {
      return [primary, replica].find((process) => process.port === port);
    },
    /** Waits until the Sentinels agree on a primary other than `oldPort`, with a linked replica or not. */
    async waitForFailover(oldPort) {
      await until(() => {
        const port = this.primaryPort();
        return port !== oldPort && infoField(port, 'replication', 'role') === 'master';
      }, 'Sentinel failover');
    },
    /** Waits until every running replica is in sync with the current primary. */
    async waitForReplicas() {
      await until(() => {
        const primaryPort = this.primaryPort();
        return [primary, replica]
          .filter((server) => server.running && server.port !== primaryPort)
          .every((server) => infoField(server.port, 'replication', 'master_link_status') === 'up');
      }, 'replica in sync');
    },
    async stop() {
      await Promise.all(processes.map((process) => process.stop()));
      dir.remove();
    },
  };
  // Sentinels find each other and the replica through hello messages (every 2 s).
  await until(
    () =>
      sentinelPorts.every(
        (port) =>
          redisCli(port, 'SENTINEL', 'sentinels', name)
            .split('\n')
            .filter((l) => l === 'ip').length === 2 &&
          redisCli(port, 'SENTINEL', 'replicas', name).includes(String(replicaPort)),
      ),
    'Sentinels discovering each other and the replica',
  );
  await topology.waitForReplicas();
  return topology;
}

/** 3 primaries + 3 replicas, slots spread by `redis-cli --cluster create`. */
export async function startRedisCluster() {
  findRedisServer();
  findRedisCli();
  const dir = makeServiceDir('sentinel-redis-cluster-');
  const allPorts = await freePorts(12);
  const ports = allPorts.slice(0, 6);
  const busPorts = allPorts.slice(6);
  const nodes = ports.map((port, i) =>
    redisProcess(port, join(dir.path, `node-${port}`), [
      '--cluster-enabled',
      'yes',
      '--cluster-port',
      String(busPorts[i]),
      '--cluster-config-file',
      join(dir.path, `nodes-${port}.conf`),
      '--cluster-node-timeout',
      '1000',
    ]),
  );
  await Promise.all(nodes.map((node) => node.start()));
  const created = spawnSync(
    findRedisCli(),
    [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '1',
      '--cluster-yes',
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (created.status !== 0) {
    await Promise.all(nodes.map((node) => node.stop()));
    dir.remove();
    throw new Error(`redis-cli --cluster create failed:\n${created.stdout}\n${created.stderr}`);
  }
  const topology = {
    nodes: ports.map((port) => ({ host: '127.0.0.1', port })),
    description: `Redis Cluster (3 primaries + 3 replicas) on :${ports.join(', :')}`,
    /** Ports of the nodes that are primaries now. */
    primaryPorts() {
      return ports.filter(
        (port) =>
          nodes.find((node) => node.port === port).running &&
          infoField(port, 'replication', 'role') === 'master',
      );
    },
    /** The redis-server process on `port`. */
    server(port) {
      return nodes.find((node) => node.port === port);
    },
    /** Waits until every live node reports `cluster_state:ok` and 3 primaries serve the slots. */
    async waitForHealthy() {
      await until(
        () =>
          nodes
            .filter((node) => node.running)
            .every((node) => /cluster_state:ok/.test(redisCli(node.port, 'CLUSTER', 'INFO'))) &&
          this.primaryPorts().length === 3,
        'Redis Cluster healthy',
      );
    },
    async stop() {
      await Promise.all(nodes.map((node) => node.stop()));
      dir.remove();
    },
  };
  await topology.waitForHealthy();
  // Every replica in sync, so a killed primary has someone to fail over to.
  await until(
    () =>
      ports
        .filter((port) => !topology.primaryPorts().includes(port))
        .every((port) => infoField(port, 'replication', 'master_link_status') === 'up'),
    'Cluster replicas in sync',
  );
  return topology;
}
