import type { Platform } from '../lib/config.js';
import { freePorts, measure, startServer, url, type BenchContext } from '../lib/context.js';
import type { BenchProcess } from '../lib/processes.js';
import { compare, Series, type Row } from '../lib/report.js';
import { seedTokens } from '../lib/seed.js';

const PLATFORMS: Platform[] = ['express', 'fastify'];
const KEY_PREFIX = 'bench:guard:';
const DB_NAME = 'bench_guard';

interface PlatformServers {
  /** Default configuration: Redis token cache, no in-process cache. */
  redis: BenchProcess;
  /** `localCache: true`. */
  local: BenchProcess;
}

/**
 * Scenarios 1, 2 and 4, interleaved round by round so that drift on a shared machine hits
 * baselines and variants alike:
 * 1. `GET /protected` (OAuthGuard, valid token) vs `GET /open` (same handler, same request bytes)
 *    in the same app, default configuration (Redis cache);
 * 2. the guard with the in-process cache, with Redis only (= 1), and with Redis empty: every
 *    request presents a token that is in MongoDB only and never presented before, so each one
 *    misses Redis and is answered by MongoDB (then written back to Redis, as in production);
 * 4. @node-oauth/oauth2-server's `authenticate` on Express over the same Redis data.
 */
export async function guardScenarios(context: BenchContext): Promise<Row[]> {
  const { settings, log } = context;
  const ports = await freePorts(context, 1 + 2 * PLATFORMS.length);
  const start = (platform: Platform, localCache: boolean) =>
    startServer(context, `nest-${platform}${localCache ? '-local' : ''}`, 'nest-server', {
      kind: 'nest',
      platform,
      port: ports.pop()!,
      mongoUrl: context.mongoUrl,
      dbName: DB_NAME,
      redisUrl: context.redisUrl,
      keyPrefix: KEY_PREFIX,
      localCache,
      bcryptCost: settings.bcryptCost,
    });
  // Started together: start-up is mostly waiting on connections and index builds.
  const [peer, ...nest] = await Promise.all([
    startServer(context, 'peer-express', 'peer-server', {
      kind: 'peer',
      port: ports.pop()!,
      redisUrl: context.redisUrl,
      keyPrefix: KEY_PREFIX,
    }),
    ...PLATFORMS.flatMap((platform) => [start(platform, false), start(platform, true)]),
  ]);
  const servers = new Map<Platform, PlatformServers>(
    PLATFORMS.map((platform, i) => [platform, { redis: nest[2 * i], local: nest[2 * i + 1] }]),
  );
  const portOf = (server: BenchProcess) => Number(server.details.port);

  log(`seeding ${settings.tokenPool} live tokens (MongoDB + Redis)`);
  const target = { mongoUrl: context.mongoUrl, dbName: DB_NAME };
  const pool = await seedTokens(
    { ...target, redis: { client: context.redis, keyPrefix: KEY_PREFIX } },
    { usable: settings.tokenPool },
  );
  const fallbackCount = settings.fallbackRequests * settings.rounds * PLATFORMS.length;
  log(`seeding ${fallbackCount} tokens in MongoDB only (fallback runs)`);
  const fallback = await seedTokens({ ...target, redis: null }, { usable: fallbackCount });
  let fallbackNext = 0;

  const series = new Map<string, Series>();
  const seriesOf = (key: string, label: string): Series => {
    let found = series.get(key);
    if (found === undefined) series.set(key, (found = new Series(label)));
    return found;
  };
  const throughput = (server: BenchProcess, path: string, durationSec = settings.durationSec) => ({
    url: url(portOf(server)),
    path,
    connections: settings.connections,
    durationSec,
    tokens: pool,
  });

  log('warming up');
  const warm = new Series('warm-up');
  for (const { redis, local } of servers.values()) {
    for (const server of [redis, local]) {
      for (const path of ['/open', '/allowed', '/protected']) {
        await measure(warm, server, throughput(server, path, settings.warmupSec));
      }
    }
  }
  for (const path of ['/open', '/protected']) {
    await measure(warm, peer, throughput(peer, path, settings.warmupSec));
  }

  for (let round = 1; round <= settings.rounds; round += 1) {
    log(`guard round ${round}/${settings.rounds}`);
    for (const [platform, { redis, local }] of servers) {
      const runs: Array<[string, string, BenchProcess, string]> = [
        [`${platform}/open`, `${platform}: GET /open (no guard)`, redis, '/open'],
        [
          `${platform}/allowed`,
          `${platform}: GET /allowed (a guard that allows all)`,
          redis,
          '/allowed',
        ],
        [`${platform}/redis`, `${platform}: GET /protected, Redis cache`, redis, '/protected'],
        [
          `${platform}/local-open`,
          `${platform}: GET /open (no guard), localCache app`,
          local,
          '/open',
        ],
        [`${platform}/local`, `${platform}: GET /protected, in-process cache`, local, '/protected'],
      ];
      for (const [key, label, server, path] of alternating(runs, round)) {
        await measure(seriesOf(key, label), server, throughput(server, path));
      }
      const unique = fallback.slice(fallbackNext, fallbackNext + settings.fallbackRequests);
      fallbackNext += settings.fallbackRequests;
      await measure(
        seriesOf(`${platform}/mongo`, `${platform}: GET /protected, Redis empty (MongoDB)`),
        redis,
        {
          url: url(portOf(redis)),
          path: '/protected',
          connections: settings.fallbackConnections,
          durationSec: 120,
          amount: unique.length,
          uniqueTokens: unique,
        },
      );
    }
    const peerRuns: Array<[string, string, string]> = [
      ['peer/open', 'peer: GET /open (no authenticate)', '/open'],
      [
        'peer/protected',
        'peer: GET /protected, oauth2-server authenticate (Redis model)',
        '/protected',
      ],
    ];
    for (const [key, label, path] of alternating(peerRuns, round)) {
      await measure(seriesOf(key, label), peer, throughput(peer, path));
    }
  }

  const m = (key: string) => series.get(key)!.summary();
  const rows: Row[] = [];
  for (const platform of PLATFORMS) {
    rows.push(
      compare({
        id: `nest-guard-${platform}`,
        scenario: 1,
        title: `${platform}: a Nest guard that allows every request (what any guard costs)`,
        platform,
        measured: m(`${platform}/allowed`),
        baseline: m(`${platform}/open`),
      }),
      compare(
        {
          id: `overhead-${platform}`,
          scenario: 1,
          title: `${platform}: protected vs unprotected route (default config, Redis cache)`,
          platform,
          measured: m(`${platform}/redis`),
          baseline: m(`${platform}/open`),
        },
        { min: 0.75, text: '≥ 0.75× unguarded (Redis only)' },
      ),
    );
  }
  for (const platform of PLATFORMS) {
    rows.push(
      compare(
        {
          id: `local-cache-${platform}`,
          scenario: 2,
          title: `${platform}: guard with in-process cache`,
          platform,
          measured: m(`${platform}/local`),
          baseline: m(`${platform}/local-open`),
        },
        { min: 0.9, text: '≥ 0.9× unguarded' },
      ),
      compare(
        {
          id: `redis-only-${platform}`,
          scenario: 2,
          title: `${platform}: guard with Redis only`,
          platform,
          measured: m(`${platform}/redis`),
          baseline: m(`${platform}/open`),
          sameAs: `overhead-${platform}`,
        },
        { min: 0.75, text: '≥ 0.75× unguarded' },
      ),
      compare({
        id: `mongo-fallback-${platform}`,
        scenario: 2,
        title: `${platform}: guard with Redis empty (MongoDB fallback)`,
        platform,
        measured: m(`${platform}/mongo`),
        baseline: m(`${platform}/open`),
        note:
          'Every request presents a token stored only in MongoDB and never presented before. ' +
          'FerretDB 1.24 (SQLite) does not push the digest filter down to an index: each lookup ' +
          'scans the collection (see observations), so this measures FerretDB, not MongoDB.',
      }),
    );
  }
  const peerProtected = m('peer/protected');
  rows.push(
    compare({
      id: 'peer-overhead',
      scenario: 4,
      title: 'peer: oauth2-server authenticate vs its own unprotected route',
      platform: 'express',
      measured: peerProtected,
      baseline: m('peer/open'),
    }),
  );
  const peerTargets: Record<Platform, number> = { express: 1.0, fastify: 4.0 };
  for (const platform of PLATFORMS) {
    for (const [variant, key] of [
      ['Redis cache', 'redis'],
      ['in-process cache', 'local'],
    ] as const) {
      rows.push(
        compare(
          {
            id: `vs-peer-${platform}-${key}`,
            scenario: 4,
            title: `${platform}: Sentinel guard (${variant}) vs peer`,
            platform,
            measured: m(`${platform}/${key}`),
            baseline: peerProtected,
          },
          { min: peerTargets[platform], text: `≥ ${peerTargets[platform].toFixed(1)}× peer` },
        ),
      );
    }
  }
  return rows;
}

/** Every other round in reverse order, so no run always comes first or last. */
function alternating<T>(runs: T[], round: number): T[] {
  return round % 2 === 0 ? [...runs].reverse() : runs;
}
