import type { Platform } from '../lib/config.js';
import { freePorts, startServer, type BenchContext } from '../lib/context.js';
import { HttpClient } from '../lib/http-client.js';
import { round } from '../lib/load.js';

/** RFC 8628 §3.2's default interval: the server under test keeps it. */
const INTERVAL_SEC = 5;
const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

/** One pass of polls, by the answer the server gave. */
export interface PollPass {
  /** `pending`: every code's first poll; `too-fast`: every code again at once. */
  pass: 'pending' | 'too-fast';
  polls: number;
  pollsPerSec: number;
  /** Latency of each answer, by its `error` (or `tokens` / `http-<status>`). */
  answers: Record<string, { count: number; p50Ms: number; p99Ms: number }>;
}

/** Scenario 8's observation for one platform. */
export interface DevicePollingObservation {
  platform: Platform;
  codes: number;
  connections: number;
  rounds: number;
  /** `POST /oauth/device_authorization` answers per second while the codes were created. */
  createdPerSec: number;
  passes: PollPass[];
  /** MongoDB operations issued while polling (all passes), by `collection.method`. */
  mongoOpsWhilePolling: Record<string, number>;
  /** Those not on `sentinel_clients` (client authentication): the device flow's own reads. */
  mongoOpsBeyondClientAuthentication: number;
  /** Answers that were not 400 pending / slow_down (5xx, socket errors): make the report invalid. */
  failures: number;
}

/**
 * Scenario 8: 1,000 pending device codes (RFC 8628) polled concurrently. The bench server's
 * clock is real, so the interval cannot be faked: each round creates fresh codes, polls every
 * code once (its first poll: accepted, `authorization_pending`), then every code again at once
 * (sooner than the interval: `slow_down`). Both passes are measured and reported apart. MongoDB
 * operations are counted in the server process (a Mongoose debug hook) before and after the
 * polls: client authentication of a public client reads `sentinel_clients` once per poll; the
 * device codes themselves live in Redis only (ADR 0022).
 */
export async function deviceScenario(context: BenchContext): Promise<DevicePollingObservation[]> {
  const { settings, log } = context;
  const quick = settings.mode === 'quick';
  const platforms: Platform[] = quick ? ['express'] : ['express', 'fastify'];
  const codes = quick ? 50 : 1_000;
  const rounds = quick ? 1 : 3;
  const connections = quick ? 8 : 64;
  const ports = await freePorts(context, platforms.length);
  const observations: DevicePollingObservation[] = [];
  for (const [i, platform] of platforms.entries()) {
    const server = await startServer(context, `nest-${platform}-device`, 'nest-server', {
      kind: 'nest',
      platform,
      port: ports[i],
      mongoUrl: context.mongoUrl,
      dbName: `bench_device_${platform}`,
      redisUrl: context.redisUrl,
      keyPrefix: `bench:device:${platform}:`,
      localCache: false,
      bcryptCost: settings.bcryptCost,
      device: { interval: INTERVAL_SEC },
    });
    const clientId = String(server.details.clientId);
    const http = new HttpClient(ports[i], connections);
    const passes: PollPass[] = [];
    let created = 0;
    let creatingSec = 0;
    let failures = 0;
    let opsWhilePolling: Record<string, number> = {};
    for (let r = 1; r <= rounds; r += 1) {
      log(`device polling (${platform}) round ${r}/${rounds}: ${codes} codes`);
      const start = process.hrtime.bigint();
      const deviceCodes = await inParallel(codes, connections, async () => {
        const res = await http.postForm('/oauth/device_authorization', { client_id: clientId });
        if (res.status !== 200) throw new Error(`device_authorization answered ${res.status}`);
        return (JSON.parse(res.body) as { device_code: string }).device_code;
      });
      created += codes;
      creatingSec += Number(process.hrtime.bigint() - start) / 1e9;
      const before = await mongoOps(http);
      for (const pass of ['pending', 'too-fast'] as const) {
        const measured = await pollAll(http, clientId, deviceCodes, connections, pass);
        failures += measured.failures;
        passes.push(measured.pass);
      }
      opsWhilePolling = addDiff(opsWhilePolling, before, await mongoOps(http));
    }
    http.close();
    await server.stop();
    observations.push({
      platform,
      codes,
      connections,
      rounds,
      createdPerSec: round(created / creatingSec, 1),
      passes: mergePasses(passes),
      mongoOpsWhilePolling: opsWhilePolling,
      mongoOpsBeyondClientAuthentication: Object.entries(opsWhilePolling)
        .filter(([key]) => !key.startsWith('sentinel_clients.'))
        .reduce((sum, [, n]) => sum + n, 0),
      failures,
    });
  }
  return observations;
}

/** Polls every code once, `connections` at a time; latencies by answer. */
async function pollAll(
  http: HttpClient,
  clientId: string,
  deviceCodes: string[],
  connections: number,
  pass: PollPass['pass'],
): Promise<{ pass: PollPass & { samples: Record<string, number[]> }; failures: number }> {
  const samples: Record<string, number[]> = {};
  let failures = 0;
  const start = process.hrtime.bigint();
  await inParallel(deviceCodes.length, connections, async (i) => {
    const sent = process.hrtime.bigint();
    const res = await http.postForm('/oauth/token', {
      grant_type: DEVICE_CODE_GRANT_TYPE,
      client_id: clientId,
      device_code: deviceCodes[i],
    });
    const answer = answerOf(res.status, res.body);
    if (answer !== 'authorization_pending' && answer !== 'slow_down') failures += 1;
    (samples[answer] ??= []).push(Number(res.endedAt - sent) / 1e6);
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return {
    pass: {
      pass,
      polls: deviceCodes.length,
      pollsPerSec: round(deviceCodes.length / seconds, 1),
      answers: summarise(samples),
      samples,
    },
    failures,
  };
}

function answerOf(status: number, body: string): string {
  if (status === 200) return 'tokens';
  try {
    const error = (JSON.parse(body) as { error?: unknown }).error;
    return typeof error === 'string' ? error : `http-${status}`;
  } catch {
    return `http-${status}`;
  }
}

/** The passes of every round, merged by pass: total polls, median rate, pooled percentiles. */
function mergePasses(passes: Array<PollPass & { samples?: Record<string, number[]> }>): PollPass[] {
  return (['pending', 'too-fast'] as const).map((name) => {
    const mine = passes.filter((p) => p.pass === name);
    const pooled: Record<string, number[]> = {};
    for (const p of mine) {
      for (const [answer, values] of Object.entries(p.samples ?? {})) {
        (pooled[answer] ??= []).push(...values);
      }
    }
    const rates = mine.map((p) => p.pollsPerSec).sort((a, b) => a - b);
    return {
      pass: name,
      polls: mine.reduce((sum, p) => sum + p.polls, 0),
      pollsPerSec: rates[Math.floor(rates.length / 2)],
      answers: summarise(pooled),
    };
  });
}

function summarise(samples: Record<string, number[]>): PollPass['answers'] {
  return Object.fromEntries(
    Object.entries(samples).map(([answer, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const at = (p: number) =>
        sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
      return [answer, { count: sorted.length, p50Ms: round(at(50), 3), p99Ms: round(at(99), 3) }];
    }),
  );
}

async function mongoOps(http: HttpClient): Promise<Record<string, number>> {
  const res = await http.getPlain('/bench/mongo-ops');
  return JSON.parse(res.body) as Record<string, number>;
}

function addDiff(
  total: Record<string, number>,
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  const result = { ...total };
  for (const [key, n] of Object.entries(after)) {
    const diff = n - (before[key] ?? 0);
    if (diff > 0) result[key] = (result[key] ?? 0) + diff;
  }
  return result;
}

/** Runs `task(0…count-1)`, `limit` at a time; results in index order. */
async function inParallel<T>(
  count: number,
  limit: number,
  task: (index: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return results;
}
