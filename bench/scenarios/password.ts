import type { Platform } from '../lib/config.js';
import { freePorts, measure, startServer, url, type BenchContext } from '../lib/context.js';
import { round } from '../lib/load.js';
import type { BenchProcess } from '../lib/processes.js';
import { compare, median, Series, type Measurement, type Row } from '../lib/report.js';

const PLATFORMS: Platform[] = ['express', 'fastify'];
const PASSWORD = 'correct horse battery staple';
/**
 * Logins spread over this many users: the brute-force limiter counts attempts per account
 * before checking them (SECURITY.md 13), so one account logging in from every connection at
 * once would be refused with 429 by design, which is not the throughput being measured.
 */
const USERS = 32;
/**
 * Warm-up of each password server in a full run. bcrypt holds the endpoint to ~12 grants/s, so
 * the common warm-up (3 s ≈ 40 grants) leaves V8 still compiling the request path: measured on
 * the server's core, its compiler threads spend ~2.7 ms per grant in the first 15 s of load and
 * ~0.9 ms after 35 s, and the main thread ~1 ms more than when warm.
 */
const PASSWORD_WARMUP_SEC = 30;

/**
 * Scenario 3: password-grant throughput (public client, so exactly one bcrypt comparison per
 * grant, then the token is written to MongoDB and Redis; logins spread over {@link USERS} users) against the bcrypt-bound limit: as
 * many `bcrypt.compare` calls of the same cost, with the same concurrency, on the same core, in
 * a process that does nothing else. Rounds alternate limit and grants.
 */
export async function passwordScenario(context: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  for (const cost of context.settings.passwordCosts) rows.push(...(await atCost(context, cost)));
  return rows;
}

async function atCost(context: BenchContext, cost: number): Promise<Row[]> {
  const { settings, log } = context;
  const ports = await freePorts(context, PLATFORMS.length);
  const started = await Promise.all(
    PLATFORMS.map((platform, i) =>
      startServer(context, `nest-${platform}-password-cost${cost}`, 'nest-server', {
        kind: 'nest',
        platform,
        port: ports[i],
        mongoUrl: context.mongoUrl,
        dbName: `bench_password_${platform}_${cost}`,
        redisUrl: context.redisUrl,
        keyPrefix: `bench:password:${platform}:${cost}:`,
        localCache: false,
        bcryptCost: cost,
        seedUsers: { prefix: 'bench-user-', count: USERS, password: PASSWORD },
      }),
    ),
  );
  const servers = new Map<Platform, BenchProcess>(PLATFORMS.map((p, i) => [p, started[i]]));
  const grant = (server: BenchProcess, durationSec: number, amount?: number) => ({
    url: url(Number(server.details.port)),
    path: '/oauth/token',
    method: 'POST' as const,
    connections: settings.passwordConnections,
    durationSec,
    amount,
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

  const warmupSec =
    settings.mode === 'quick'
      ? settings.warmupSec
      : Math.max(settings.warmupSec, PASSWORD_WARMUP_SEC);
  log(`bcrypt cost ${cost}: warming up the token endpoint (${warmupSec} s per server)`);
  const warm = new Series('warm-up');
  for (const server of servers.values()) await measure(warm, server, grant(server, warmupSec));

  const limits: Array<{ rps: number }> = [];
  const grants = new Map<Platform, Series>(
    PLATFORMS.map((p) => [p, new Series(`${p}: POST /oauth/token, password grant`)]),
  );
  for (let r = 1; r <= settings.passwordRounds; r += 1) {
    log(`password round ${r}/${settings.passwordRounds} (cost ${cost})`);
    const limit = await bcryptLimit(context, cost);
    limits.push(limit);
    // Counted like the limit: a fixed amount of work, timed until the last answer, rather than
    // answers within a fixed window. At ~2 s per grant (cost 12) a 10 s window would cut off
    // the 8 grants in flight at its end, whose CPU it has spent: ~15 % against the server.
    const amount = Math.max(
      settings.passwordConnections,
      Math.round(limit.rps * settings.passwordDurationSec),
    );
    for (const [platform, server] of servers) {
      await measure(
        grants.get(platform)!,
        server,
        grant(server, 4 * settings.passwordDurationSec, amount),
      );
    }
  }
  for (const server of servers.values()) await server.stop();
  const limit = bcryptMeasurement(cost, settings.passwordConnections, limits);
  return PLATFORMS.map((platform) =>
    compare(
      {
        id: `password-${platform}-cost${cost}`,
        scenario: 3,
        title: `${platform}: password grant vs bcrypt-bound limit (cost ${cost})`,
        platform,
        measured: grants.get(platform)!.summary(),
        baseline: limit,
      },
      { min: 0.9, text: '≥ 0.9× bcrypt-bound' },
    ),
  );
}

/** One run of the bcrypt-bound limit: `bcrypt.compare` of `cost`, alone on the server core. */
export async function bcryptLimit(
  context: BenchContext,
  cost: number,
  durationSec = context.settings.passwordDurationSec,
): Promise<{ rps: number }> {
  const { settings } = context;
  const helper = await startServer(context, 'bcrypt-rate', 'bcrypt-rate', {
    kind: 'bcrypt',
    cost,
    concurrency: settings.passwordConnections,
    durationMs: durationSec * 1000,
  });
  await helper.exited();
  const { compares, seconds } = helper.details as { compares: number; seconds: number };
  return { rps: compares / seconds };
}

/** The limit's rounds as a baseline {@link Measurement} (req/s only). */
export function bcryptMeasurement(
  cost: number,
  concurrency: number,
  rounds: Array<{ rps: number }>,
): Measurement {
  return {
    label: `bcrypt.compare, cost ${cost}, ${concurrency} concurrent, same core`,
    rps: round(median(rounds.map((r) => r.rps)), 2),
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
