import type { RedisConfig } from '../../src/cache/redis-connection.js';
import { redisUrl } from './backends.js';
import {
  startRedisCluster,
  startRedisSentinel,
  type ClusterTopology,
  type SentinelTopology,
} from './redis-topologies.js';

/**
 * The three Redis deployments the Redis suites run on (issue 17), as the module's `redis` option
 * takes them: the global standalone redis-server, a primary + replica + 3 Sentinels, and a
 * 3 + 3 Cluster. Sentinel and Cluster are started by `start()` (one per test file, in beforeAll)
 * and stopped by `stop()`.
 */
export interface RedisDeployment {
  name: 'standalone' | 'sentinel' | 'cluster';
  start(): Promise<RunningRedis>;
}

export interface RunningRedis {
  config: RedisConfig;
  sentinel?: SentinelTopology;
  cluster?: ClusterTopology;
  stop(): Promise<void>;
}

export const STANDALONE: RedisDeployment = {
  name: 'standalone',
  start: async () => ({ config: redisUrl(), stop: async () => undefined }),
};

export const SENTINEL: RedisDeployment = {
  name: 'sentinel',
  async start() {
    const sentinel = await startRedisSentinel();
    return {
      config: { sentinels: sentinel.sentinels, name: sentinel.name },
      sentinel,
      stop: () => sentinel.stop(),
    };
  },
};

export const CLUSTER: RedisDeployment = {
  name: 'cluster',
  async start() {
    const cluster = await startRedisCluster();
    return { config: { clusterNodes: cluster.nodes }, cluster, stop: () => cluster.stop() };
  },
};

export const REDIS_DEPLOYMENTS: RedisDeployment[] = [STANDALONE, SENTINEL, CLUSTER];

/** Long enough for a Sentinel or Cluster start-up in beforeAll on a busy machine. */
export const TOPOLOGY_START_TIMEOUT_MS = 120_000;

const shared = new Map<string, Promise<RunningRedis>>();

/**
 * One topology per deployment for the whole test file, started on first use (so suites that
 * describe.each over several app configurations pay for one start). Stop with {@link stopShared}
 * in the file's afterAll.
 */
export function startShared(deployment: RedisDeployment): Promise<RunningRedis> {
  let running = shared.get(deployment.name);
  if (running === undefined) {
    running = deployment.start();
    shared.set(deployment.name, running);
  }
  return running;
}

/** Stops every topology {@link startShared} started in this file. */
export async function stopShared(): Promise<void> {
  const all = [...shared.values()];
  shared.clear();
  await Promise.all(all.map(async (running) => (await running).stop()));
}
