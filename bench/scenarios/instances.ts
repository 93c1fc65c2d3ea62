import { Cluster } from 'ioredis';
import { availableParallelism } from 'node:os';
import { freePorts, startServer, url, type BenchContext } from '../lib/context.js';
import { HttpClient } from '../lib/http-client.js';
import { round, runLoad, type LoadSpec } from '../lib/load.js';
import type { BenchProcess } from '../lib/processes.js';
import { startRedisCluster } from '../lib/project.js';
import { measurePropagation, type PropagationObservation } from '../lib/propagation.js';
import { compare, Series, type Row } from '../lib/report.js';
import { seedTokens } from '../lib/seed.js';

const INSTANCES = 3;
const KEY_PREFIX = 'bench:instances:';
const DB_NAME = 'bench_instances';
const USERS = { prefix: 'instances-user-', count: 8, password: 'correct horse battery staple' };
/** A refusal not seen within this is counted as a failure (the report is then invalid). */
const DEADLINE_MS = 5000;

/**
 * Scenario 6 (issue 17, README "Deploying at scale"): three Express instances, separate
 * processes with `localCache` on, sharing a Redis Cluster (3 + 3; standalone in quick mode) and
 * FerretDB, behind a round-robin proxy process.
 * - Revocation propagation: the time from a revocation's 200 at one instance to the first 401
 *   on every other instance (ADR 0009, ADR 0012).
 * - Guard throughput through the proxy, 3 instances vs 1 (one of the same three, behind a second
 *   listener of the same proxy process), interleaved round by round.
 * The instances and the proxy may run on every core: the question is what N processes get out
 * of the machine, which pinning them to the server core would rule out.
 */
/** The balancer's CPU share of one core during the measured runs (mean over rounds). */
export interface ProxyCpuObservation {
  threeInstances: number;
  oneInstance: number;
}

export async function instancesScenario(
  context: BenchContext,
): Promise<{ rows: Row[]; propagation: PropagationObservation; proxyCpu: ProxyCpuObservation }> {
  const { settings, log } = context;
  let redisDescription = context.redisDescription;
  let redisCluster: Array<{ host: string; port: number }> | undefined;
  if (settings.instancesRedis === 'cluster') {
    log('starting a Redis Cluster (3 primaries + 3 replicas)');
    const cluster = await startRedisCluster();
    context.cleanups.push(() => cluster.stop());
    redisCluster = [...cluster.nodes];
    redisDescription = cluster.description;
  }
  log(`instances on ${redisDescription}; ${context.mongoDescription}`);

  const everyCore = context.pinning && {
    ...context.pinning,
    server: `0-${availableParallelism() - 1}`,
  };
  const spread: BenchContext = { ...context, pinning: everyCore };
  const [proxyAll, proxyOne, ...ports] = await freePorts(context, INSTANCES + 2);
  const instances = await Promise.all(
    ports.map((port, i) =>
      startServer(spread, `instance-${i + 1}`, 'nest-server', {
        kind: 'nest',
        platform: 'express',
        port,
        mongoUrl: context.mongoUrl,
        dbName: DB_NAME,
        redisUrl: context.redisUrl,
        redisCluster,
        keyPrefix: KEY_PREFIX,
        localCache: true,
        bcryptCost: settings.bcryptCost,
        // Users and client are written once, to the shared MongoDB.
        seedUsers: i === 0 ? USERS : undefined,
      }),
    ),
  );
  const proxy = await startServer(spread, 'round-robin-proxy', 'proxy-server', {
    kind: 'proxy',
    listeners: [
      { port: proxyAll, targets: ports },
      { port: proxyOne, targets: [ports[0]] },
    ],
  });
  const clientId = String(instances[0].details.clientId);

  log(`seeding ${settings.tokenPool} live tokens (MongoDB + Redis)`);
  const seeder = redisCluster ? new Cluster(redisCluster) : context.redis;
  const pool = await seedTokens(
    {
      mongoUrl: context.mongoUrl,
      dbName: DB_NAME,
      redis: { client: seeder, keyPrefix: KEY_PREFIX },
    },
    { usable: settings.tokenPool },
  ).finally(() => {
    if (seeder !== context.redis) seeder.disconnect();
  });
  const throughput = (port: number, durationSec = settings.durationSec): LoadSpec => ({
    url: url(port),
    path: '/protected',
    connections: settings.connections,
    durationSec,
    tokens: pool,
  });
  const three = new Series(`3 instances behind the proxy`);
  const one = new Series(`1 instance behind the proxy`);
  const proxyShares = new Map<Series, number[]>([
    [three, []],
    [one, []],
  ]);
  const runs: Array<[Series, number, BenchProcess[]]> = [
    [three, proxyAll, instances],
    [one, proxyOne, [instances[0]]],
  ];
  log('warming up (3 instances, then 1)');
  const warm = new Series('warm-up');
  for (const [, port, servers] of runs) {
    await measureMany(warm, servers, proxy, throughput(port, settings.warmupSec));
  }
  for (let r = 1; r <= settings.rounds; r += 1) {
    log(`instances round ${r}/${settings.rounds}`);
    for (const [series, port, servers] of r % 2 === 0 ? [...runs].reverse() : runs) {
      proxyShares.get(series)!.push(await measureMany(series, servers, proxy, throughput(port)));
    }
  }
  const meanShare = (series: Series) => {
    const shares = proxyShares.get(series)!;
    return round(shares.reduce((a, b) => a + b, 0) / shares.length, 2);
  };
  const proxyCpu = { threeInstances: meanShare(three), oneInstance: meanShare(one) };
  const proxyErrors = proxy
    .tail()
    .split('\n')
    .filter((line) => line.startsWith('upstream '));
  if (proxyErrors.length > 0) log(`the proxy reported:\n${proxyErrors.join('\n')}`);

  log(`timing ${settings.instancesRevocations} revocations to every other instance`);
  const clients = ports.map((port) => new HttpClient(port));
  const balancer = new HttpClient(proxyAll);
  try {
    const measured = await measurePropagation({
      instances: clients,
      balancer,
      clientId,
      users: USERS,
      revocations: settings.instancesRevocations,
      deadlineMs: DEADLINE_MS,
      path: '/protected',
    });
    const propagation: PropagationObservation = {
      redis: redisDescription,
      mongo: context.mongoDescription,
      localCache: 'on (defaults: 2 000 ms TTL, 10 000 entries)',
      ...measured,
    };
    const backends = `${redisCluster ? 'Redis Cluster 3+3' : 'standalone Redis'}, FerretDB`;
    const rows = [
      compare({
        id: 'instances-3-vs-1',
        scenario: 6,
        title: `express: GET /protected via a round-robin proxy, 3 instances vs 1 (localCache; ${backends})`,
        platform: 'express',
        measured: three.summary(),
        baseline: one.summary(),
        note:
          `Redis: ${redisDescription}. MongoDB: ${context.mongoDescription}. ` +
          `Instances and the proxy (${proxy.name}, one process) unpinned on ${availableParallelism()} ` +
          'cores, shared with the load generator, Redis and FerretDB. Server CPU and RSS are the ' +
          "instances' (summed; peak of any), not the proxy's.",
      }),
    ];
    return { rows, propagation, proxyCpu };
  } finally {
    for (const client of [...clients, balancer]) client.close();
  }
}

/**
 * One load run into `series`, with the CPU of every server summed and the highest peak RSS;
 * returns the proxy's CPU share of one core during the run.
 */
async function measureMany(
  series: Series,
  servers: BenchProcess[],
  proxy: BenchProcess,
  spec: LoadSpec,
): Promise<number> {
  const cpu = () => servers.reduce((total, server) => total + server.cpuSeconds(), 0);
  const [before, proxyBefore] = [cpu(), proxy.cpuSeconds()];
  const result = await runLoad(spec);
  series.add(result, cpu() - before, Math.max(...servers.map((server) => server.peakRssMb())));
  return (proxy.cpuSeconds() - proxyBefore) / result.durationSec;
}
