import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import { digest } from '../../src/crypto/digest.js';
import { TOKENS_COLLECTION } from '../../src/sentinel.constants.js';
import { measure, startServer, url, type BenchContext } from '../lib/context.js';
import { round } from '../lib/load.js';
import type { BenchProcess } from '../lib/processes.js';
import { compare, Series, type Row } from '../lib/report.js';
import { seedTokens } from '../lib/seed.js';

const KEY_PREFIX = 'bench:scale:';

/** What FerretDB does with the guard's store lookup (its plan and the time of one query). */
export interface LookupObservation {
  storedTokens: number;
  plan: unknown;
  filterPushdown: unknown;
  /** One `findOne` by digest of the last token written (the end of an unindexed scan). */
  lookupMs: number;
}

/**
 * Scenario 5: validation latency with few and with many tokens stored. Each data set has its
 * own redis-server (so the large key space cannot slow the small one) and its own MongoDB
 * database on the shared FerretDB; a Fastify app with the default configuration (Redis cache)
 * serves each. Load is a fixed request rate, well below saturation, so latency is service time
 * rather than queueing. Both data sets are loaded at the same time in every round, so a stall of
 * the machine (the tail a p99 is made of, on a shared VM) lands on both alike: run one after the
 * other, per-round ratios spread from 0.69 to 1.59.
 */
export async function scaleScenario(
  context: BenchContext,
): Promise<{ rows: Row[]; observations: LookupObservation[] }> {
  const { settings, log } = context;
  const sets = [
    { name: 'small', stored: settings.scaleSmall },
    { name: 'large', stored: settings.scaleLarge },
  ];
  const prepared: Array<{ name: string; stored: number; server: BenchProcess; tokens: string[] }> =
    [];
  const observations: LookupObservation[] = [];
  for (const set of sets) {
    const dir = context.services.makeServiceDir(`sentinel-bench-redis-${set.name}-`);
    const redisServer = await context.services.startRedis(dir.path);
    context.cleanups.push(async () => {
      await redisServer.stop();
      dir.remove();
    });
    const dbName = `bench_scale_${set.name}`;
    const server = await startServer(context, `nest-fastify-${set.name}`, 'nest-server', {
      kind: 'nest',
      platform: 'fastify',
      port: await context.services.freePort(),
      mongoUrl: context.mongoUrl,
      dbName,
      redisUrl: redisServer.url,
      keyPrefix: KEY_PREFIX,
      localCache: false,
      bcryptCost: settings.bcryptCost,
    });
    const client = new Redis(redisServer.url);
    try {
      const usable = Math.min(settings.tokenPool, set.stored);
      const started = Date.now();
      log(`seeding ${set.stored} tokens (MongoDB + Redis) for the ${set.name} data set`);
      const tokens = await seedTokens(
        { mongoUrl: context.mongoUrl, dbName, redis: { client, keyPrefix: KEY_PREFIX } },
        { usable, filler: set.stored - usable },
      );
      log(`  ${set.stored} tokens written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      observations.push(await observeLookup(context.mongoUrl, dbName, set.stored, tokens.at(-1)!));
      prepared.push({ ...set, server, tokens });
    } finally {
      client.disconnect();
    }
  }

  // Bounded by count, the duration only a cap: of two autocannon runs started together in one
  // process, the second ran about a second past its `duration` (measured: 5.05 s and 6.03 s),
  // alone on the machine for that second; counted, both took 5.03–5.05 s.
  const load = (server: BenchProcess, tokens: string[], durationSec: number) => ({
    url: url(Number(server.details.port)),
    path: '/protected',
    connections: settings.scaleConnections,
    amount: Math.round(settings.scaleRate * durationSec),
    durationSec: durationSec * 3,
    overallRate: settings.scaleRate,
    tokens,
  });
  const warm = new Series('warm-up');
  await Promise.all(
    prepared.map(({ server, tokens }) =>
      measure(warm, server, load(server, tokens, settings.warmupSec)),
    ),
  );
  const series = prepared.map(
    ({ name, stored }) =>
      new Series(
        `fastify: GET /protected at ${settings.scaleRate} req/s, ${stored} tokens stored (${name})`,
      ),
  );
  for (let r = 1; r <= settings.scaleRounds; r += 1) {
    log(`scale round ${r}/${settings.scaleRounds}`);
    await Promise.all(
      prepared.map(({ server, tokens }, i) =>
        measure(series[i], server, load(server, tokens, settings.scaleDurationSec)),
      ),
    );
  }
  const [small, large] = series.map((s) => s.summary());
  const rows = [
    compare(
      {
        id: 'scale-p99',
        scenario: 5,
        title: `fastify: p99 with ${settings.scaleLarge} vs ${settings.scaleSmall} tokens stored`,
        platform: 'fastify',
        measured: large,
        baseline: small,
        ratioOf: 'p99',
      },
      { max: 1.1, text: 'p99 within 10%' },
    ),
  ];
  return { rows, observations };
}

async function observeLookup(
  mongoUrl: string,
  dbName: string,
  storedTokens: number,
  lastToken: string,
): Promise<LookupObservation> {
  const connection = await mongoose.createConnection(mongoUrl, { dbName }).asPromise();
  try {
    const collection = connection.collection(TOKENS_COLLECTION);
    const filter = { accessTokenDigest: digest(lastToken) };
    const explained = (await collection.find(filter).explain()) as Record<string, unknown>;
    const started = process.hrtime.bigint();
    const found = await collection.findOne(filter);
    const lookupMs = Number(process.hrtime.bigint() - started) / 1e6;
    if (found === null) throw new Error('seeded token not found');
    return {
      storedTokens,
      plan:
        (explained.queryPlanner as Record<string, unknown> | undefined)?.Plan ??
        explained.queryPlanner,
      filterPushdown: explained.filterPushdown,
      lookupMs: round(lookupMs, 1),
    };
  } finally {
    await connection.close();
  }
}
