import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { ServerConfig } from './config.js';
import { runLoad, type LoadSpec } from './load.js';
import { BenchProcess, type Pinning } from './processes.js';
import { benchDir, type TestServices } from './project.js';
import type { Series } from './report.js';

/** Durations, counts and sizes of a run; `--quick` shrinks all of them. */
export interface Settings {
  mode: 'full' | 'quick';
  /** Seconds per measured run, warm-up per (server, route), and interleaved rounds. */
  durationSec: number;
  warmupSec: number;
  rounds: number;
  /** Concurrent connections of the throughput runs. */
  connections: number;
  /** Live tokens the guard scenarios present, round-robin per connection. */
  tokenPool: number;
  /** Requests per MongoDB-fallback run, each with a token never cached. */
  fallbackRequests: number;
  fallbackConnections: number;
  /** Password grant: connections (and bcrypt concurrency), seconds, rounds, bcrypt cost. */
  passwordConnections: number;
  passwordDurationSec: number;
  passwordRounds: number;
  /** bcrypt cost of the guard and scale servers (the minimum: their users are never used). */
  bcryptCost: number;
  /**
   * Costs the password grant is measured at: the minimum the module accepts (10), where the
   * grant's fixed work weighs most, and the module's default (12), what an app runs.
   */
  passwordCosts: number[];
  /** Scale: stored tokens of the small and the large data set; fixed request rate. */
  scaleSmall: number;
  scaleLarge: number;
  scaleRate: number;
  scaleConnections: number;
  /** Scale runs: both data sets at once, and more rounds, as p99 is noisier than throughput. */
  scaleRounds: number;
  scaleDurationSec: number;
  /**
   * Instances (scenario 6): revocations whose propagation is timed, and whether the instances
   * share a Redis Cluster (3 + 3) or, to keep the quick run short, the standalone redis-server.
   */
  instancesRevocations: number;
  instancesRedis: 'cluster' | 'standalone';
  /**
   * Authorization code (scenario 7): redemptions (and as many refreshes) per run, connections,
   * interleaved rounds; sign-in rounds, warm-up and users (timed like the password grant).
   */
  codeRequests: number;
  codeConnections: number;
  codeRounds: number;
  signInRounds: number;
  /** Seconds of bcrypt work per sign-in round (the limit's run; the sign-ins do as much). */
  signInDurationSec: number;
  signInWarmupSec: number;
  signInUsers: number;
}

export const FULL: Settings = {
  mode: 'full',
  durationSec: 3,
  warmupSec: 3,
  rounds: 9,
  connections: 32,
  tokenPool: 1000,
  fallbackRequests: 30,
  fallbackConnections: 8,
  passwordConnections: 8,
  passwordDurationSec: 10,
  passwordRounds: 2,
  bcryptCost: 10,
  passwordCosts: [10, 12],
  scaleSmall: 1_000,
  scaleLarge: 1_000_000,
  scaleRate: 2000,
  scaleConnections: 16,
  scaleRounds: 10,
  scaleDurationSec: 5,
  instancesRevocations: 200,
  instancesRedis: 'cluster',
  codeRequests: 60,
  codeConnections: 8,
  codeRounds: 4,
  signInRounds: 2,
  signInDurationSec: 10,
  signInWarmupSec: 10,
  signInUsers: 32,
};

export const QUICK: Settings = {
  mode: 'quick',
  durationSec: 1,
  warmupSec: 0.25,
  rounds: 1,
  connections: 8,
  tokenPool: 50,
  fallbackRequests: 10,
  fallbackConnections: 4,
  passwordConnections: 4,
  passwordDurationSec: 1,
  passwordRounds: 1,
  bcryptCost: 10,
  passwordCosts: [10],
  scaleSmall: 100,
  scaleLarge: 1_000,
  scaleRate: 200,
  scaleConnections: 4,
  scaleRounds: 1,
  scaleDurationSec: 1,
  instancesRevocations: 5,
  instancesRedis: 'standalone',
  codeRequests: 8,
  codeConnections: 4,
  codeRounds: 1,
  signInRounds: 1,
  signInDurationSec: 1,
  signInWarmupSec: 0.25,
  signInUsers: 4,
};

/** What every scenario gets from the orchestrator. */
export interface BenchContext {
  settings: Settings;
  pinning: Pinning | null;
  services: TestServices;
  mongoUrl: string;
  redisUrl: string;
  /** What the shared FerretDB and redis-server are (their harness descriptions). */
  mongoDescription: string;
  redisDescription: string;
  /** The orchestrator's own client of the shared redis-server, for seeding. */
  redis: Redis;
  /** Directory for private service data (a second redis-server in the scale scenario). */
  workDir: string;
  log(message: string): void;
  /** Extra `node` flags for every server process (e.g. `--cpu-prof`). */
  nodeArgs: string[];
  /** Processes to stop at the end, whatever happens. */
  cleanups: Array<() => Promise<void>>;
}

/** Starts one of the compiled server scripts (`servers/<name>.js`). */
export async function startServer(
  context: BenchContext,
  name: string,
  script: 'nest-server' | 'peer-server' | 'bcrypt-rate' | 'proxy-server',
  config: ServerConfig,
): Promise<BenchProcess> {
  const path = join(benchDir(), 'servers', `${script}.js`);
  const started = await BenchProcess.start(name, path, config, context.pinning, context.nodeArgs);
  context.cleanups.push(() => started.stop());
  if ('port' in config) started.details.port = config.port;
  return started;
}

/** One load run into `series`, with the server's CPU share and peak RSS around it. */
export async function measure(series: Series, server: BenchProcess, spec: LoadSpec): Promise<void> {
  const cpuBefore = server.cpuSeconds();
  const result = await runLoad(spec);
  series.add(result, server.cpuSeconds() - cpuBefore, server.peakRssMb());
}

/** Free loopback ports, distinct from each other, for servers started together. */
export async function freePorts(context: BenchContext, count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await context.services.freePort());
  return [...ports];
}

export function url(port: number): string {
  return `http://127.0.0.1:${port}`;
}
