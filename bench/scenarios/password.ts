import type { Platform } from '../lib/config.js';
import { freePorts, measure, startServer, url, type BenchContext } from '../lib/context.js';
import { round } from '../lib/load.js';
import type { BenchProcess } from '../lib/processes.js';
import { compare, Series, type Measurement, type Row } from '../lib/report.js';

const PLATFORMS: Platform[] = ['express', 'fastify'];
const PASSWORD = 'correct horse battery staple';
/**
 * Logins spread over this many users: the brute-force limiter counts attempts per account
 * before checking them (SECURITY.md 13), so one account logging in from every connection at
 * once would be refused with 429 by design, which is not the throughput being measured.
 */
const USERS = 32;

/**
 * Scenario 3: password-grant throughput (public client, so exactly one bcrypt comparison per
 * grant, then the token is written to MongoDB and Redis; logins spread over {@link USERS} users) against the bcrypt-bound limit: as
 * many `bcrypt.compare` calls of the same cost, with the same concurrency, on the same core, in
 * a process that does nothing else. Rounds alternate limit and grants.
 */
export async function passwordScenario(context: BenchContext): Promise<Row[]> {
  const { settings, log } = context;
  const ports = await freePorts(context, PLATFORMS.length);
  const started = await Promise.all(
    PLATFORMS.map((platform, i) =>
      startServer(context, `nest-${platform}-password`, 'nest-server', {
        kind: 'nest',
        platform,
        port: ports[i],
        mongoUrl: context.mongoUrl,
        dbName: `bench_password_${platform}`,
        redisUrl: context.redisUrl,
        keyPrefix: `bench:password:${platform}:`,
        localCache: false,
        bcryptCost: settings.bcryptCost,
        seedUsers: { prefix: 'bench-user-', count: USERS, password: PASSWORD },
      }),
    ),
  );
  const servers = new Map<Platform, BenchProcess>(PLATFORMS.map((p, i) => [p, started[i]]));
  const grant = (server: BenchProcess, durationSec: number) => ({
    url: url(Number(server.details.port)),
    path: '/oauth/token',
    method: 'POST' as const,
    connections: settings.passwordConnections,
    durationSec,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    bodies: Array.from({ length: USERS }, (_, i) =>
      new URLSearchParams({
        grant_type: 'password',
        client_id: String(server.details.clientId),
        username: `bench-user-${i}`,
        password: PASSWORD,
      }).toString(),
    ),
  });

  log('warming up the token endpoint');
  const warm = new Series('warm-up');
  for (const server of servers.values())
    await measure(warm, server, grant(server, settings.warmupSec));

  const limits: Array<{ rps: number; cpu: number; rss: number }> = [];
  const grants = new Map<Platform, Series>(
    PLATFORMS.map((p) => [p, new Series(`${p}: POST /oauth/token, password grant`)]),
  );
  for (let r = 1; r <= settings.passwordRounds; r += 1) {
    log(`password round ${r}/${settings.passwordRounds}`);
    limits.push(await bcryptLimit(context));
    for (const [platform, server] of servers) {
      await measure(grants.get(platform)!, server, grant(server, settings.passwordDurationSec));
    }
  }
  const limit = bcryptMeasurement(settings.bcryptCost, settings.passwordConnections, limits);
  return PLATFORMS.map((platform) =>
    compare(
      {
        id: `password-${platform}`,
        scenario: 3,
        title: `${platform}: password grant vs bcrypt-bound limit (cost ${settings.bcryptCost})`,
        platform,
        measured: grants.get(platform)!.summary(),
        baseline: limit,
      },
      { min: 0.9, text: '≥ 0.9× bcrypt-bound' },
    ),
  );
}

async function bcryptLimit(
  context: BenchContext,
): Promise<{ rps: number; cpu: number; rss: number }> {
  const { settings } = context;
  const helper = await startServer(context, 'bcrypt-rate', 'bcrypt-rate', {
    kind: 'bcrypt',
    cost: settings.bcryptCost,
    concurrency: settings.passwordConnections,
    durationMs: settings.passwordDurationSec * 1000,
  });
  await helper.exited();
  const { compares, seconds } = helper.details as { compares: number; seconds: number };
  return { rps: compares / seconds, cpu: NaN, rss: NaN };
}

function bcryptMeasurement(
  cost: number,
  concurrency: number,
  rounds: Array<{ rps: number }>,
): Measurement {
  const sorted = rounds.map((r) => r.rps).sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return {
    label: `bcrypt.compare, cost ${cost}, ${concurrency} concurrent, same core`,
    rps: round(median, 2),
    p50Ms: NaN,
    p99Ms: NaN,
    requests: 0,
    non2xx: 0,
    errors: 0,
    peakRssMb: NaN,
    serverCpu: NaN,
    cpuUsPerRequest: NaN,
    perCpuSecond: NaN,
    loadGeneratorCpu: NaN,
    roundsRps: rounds.map((r) => round(r.rps, 2)),
    roundsP99Ms: [],
    roundsCpuUsPerRequest: [],
    statuses: {},
  };
}
