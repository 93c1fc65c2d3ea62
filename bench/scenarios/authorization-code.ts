import { mintCodes, type PooledCode } from '../lib/code-pool.js';
import type { Platform } from '../lib/config.js';
import { freePorts, measure, startServer, url, type BenchContext } from '../lib/context.js';
import type { LoadSpec } from '../lib/load.js';
import { parkSignIn } from '../lib/parked-sign-in.js';
import type { BenchProcess } from '../lib/processes.js';
import { compare, Series, type Row } from '../lib/report.js';
import { bcryptLimit, bcryptMeasurement } from './password.js';

/** One platform keeps the scenario under two minutes; Express is what most hosts run. */
const PLATFORM: Platform = 'express';
const PASSWORD = 'correct horse battery staple';
const REDIRECT_URI = 'https://bench.example/callback';
const SCOPE = 'read';
const DB_NAME = 'bench_code';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/**
 * Scenario 7 (issue 13), on one Express server (FerretDB + redis-server, bcrypt cost
 * `settings.bcryptCost`):
 * (a) `POST /oauth/token` with `grant_type=authorization_code` (RFC 6749 §4.1.3, PKCE S256;
 *     no bcrypt on this path) against the refresh grant (§6), paired round by round;
 * (b) the built-in sign-in, `POST /oauth/interaction/<id>/sign-in` answering `303`, against the
 *     bcrypt-bound limit of scenario 3 (same cost, same concurrency, same core).
 */
export async function authorizationCodeScenario(context: BenchContext): Promise<Row[]> {
  const { settings } = context;
  const [port] = await freePorts(context, 1);
  const server = await startServer(context, `nest-${PLATFORM}-code`, 'nest-server', {
    kind: 'nest',
    platform: PLATFORM,
    port,
    mongoUrl: context.mongoUrl,
    dbName: DB_NAME,
    redisUrl: context.redisUrl,
    keyPrefix: 'bench:code:',
    localCache: false,
    bcryptCost: settings.bcryptCost,
    seedUsers: { prefix: 'bench-user-', count: settings.signInUsers, password: PASSWORD },
    codeFlow: { redirectUri: REDIRECT_URI },
  });
  try {
    return [await codeVersusRefresh(context, server), await signInVersusBcrypt(context, server)];
  } finally {
    await server.stop();
  }
}

/**
 * (a) Codes are single use (§4.1.2), and so are refresh tokens (rotation, RFC 9700 §4.14.2):
 * every run sends each body once (`uniqueBodies`), bounded by count and timed until the last
 * answer. The codes are minted before the first round through the module's code store
 * (bench/lib/code-pool.ts); the refresh tokens come from the answers of earlier runs — the
 * warm-up's code redemptions first, then each refresh run's rotated tokens — so both grants
 * run the same number of requests in every round, alternately first.
 */
async function codeVersusRefresh(context: BenchContext, server: BenchProcess): Promise<Row> {
  const { settings, log } = context;
  const n = settings.codeRequests;
  const clientId = String(server.details.codeClientId);
  const target = {
    mongoUrl: context.mongoUrl,
    dbName: DB_NAME,
    clientId,
    userIds: server.details.userIds as string[],
    redirectUri: REDIRECT_URI,
    scope: SCOPE,
  };
  log(`authorization code: minting ${(settings.codeRounds + 1) * n} codes through the code store`);
  const codes = await mintCodes(target, (settings.codeRounds + 1) * n);
  const refreshTokens: string[] = [];
  const keep = (status: number, body: string) => {
    if (status === 200)
      refreshTokens.push((JSON.parse(body) as { refresh_token: string }).refresh_token);
  };
  const run = (bodies: string[]): LoadSpec => ({
    url: url(Number(server.details.port)),
    path: '/oauth/token',
    method: 'POST',
    connections: settings.codeConnections,
    durationSec: 120,
    amount: bodies.length,
    headers: FORM,
    uniqueBodies: bodies,
    onBody: keep,
  });
  const codeBodies = (batch: PooledCode[]) =>
    batch.map(({ code, verifier }) =>
      new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        client_id: clientId,
        code_verifier: verifier,
      }).toString(),
    );
  const refreshBodies = (tokens: string[]) =>
    tokens.map((token) =>
      new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: token,
        client_id: clientId,
      }).toString(),
    );
  const nextCodes = () => codeBodies(codes.splice(0, n));
  const nextRefreshes = () => refreshBodies(refreshTokens.splice(0, n));

  // Warm-up: one run of each, which also yields the first refresh tokens.
  const warm = new Series('warm-up');
  await measure(warm, server, run(nextCodes()));
  await measure(warm, server, run(nextRefreshes()));

  const code = new Series(`${PLATFORM}: POST /oauth/token, authorization_code grant`);
  const refresh = new Series(`${PLATFORM}: POST /oauth/token, refresh_token grant`);
  for (let r = 1; r <= settings.codeRounds; r += 1) {
    log(`authorization code round ${r}/${settings.codeRounds} (${n} requests per grant)`);
    // Every other round in reverse order, as in the other scenarios.
    const pair: Array<() => Promise<void>> = [
      () => measure(code, server, run(nextCodes())),
      () => measure(refresh, server, run(nextRefreshes())),
    ];
    for (const step of r % 2 === 1 ? pair : pair.reverse()) await step();
  }
  return compare({
    id: `code-vs-refresh-${PLATFORM}`,
    scenario: 7,
    title: `${PLATFORM}: authorization_code redemption vs refresh grant (paired)`,
    platform: PLATFORM,
    measured: code.summary(),
    baseline: refresh.summary(),
    note:
      'Both write a token (MongoDB + Redis), neither runs bcrypt. The code grant finds the code ' +
      'by _id and inserts its redemption; the refresh grant finds the token by ' +
      'refreshTokenDigest, claims and rotates it. On FerretDB 1.24/SQLite a non-_id filter is ' +
      'not pushed down (see the Redis-empty caveat), and sentinel_tokens grows by one token per ' +
      'measured request, so the refresh side slows as the run goes (bench/README.md).',
  });
}

/**
 * (b) One parked request, one anonymous cookie and its CSRF token serve every sign-in
 * (bench/lib/parked-sign-in.ts); logins are spread over the seeded users, as in scenario 3,
 * because the brute-force limiter counts attempts per account before checking them. Counted
 * like the password grant: as many sign-ins as the bcrypt limit did compares in the same round.
 */
async function signInVersusBcrypt(context: BenchContext, server: BenchProcess): Promise<Row> {
  const { settings, log } = context;
  const origin = url(Number(server.details.port));
  const parked = await parkSignIn(origin, String(server.details.codeClientId), REDIRECT_URI);
  const bodies = Array.from({ length: settings.signInUsers }, (_, i) =>
    new URLSearchParams({
      csrf_token: parked.csrfToken,
      username: `bench-user-${i}`,
      password: PASSWORD,
    }).toString(),
  );
  const signIn = (durationSec: number, amount?: number): LoadSpec => ({
    url: origin,
    path: parked.path,
    method: 'POST',
    connections: settings.passwordConnections,
    durationSec,
    amount,
    headers: { ...FORM, cookie: parked.cookie },
    bodies,
    okStatus: 303,
  });
  log(`sign-in: warming up (${settings.signInWarmupSec} s)`);
  await measure(new Series('warm-up', 303), server, signIn(settings.signInWarmupSec));
  const limits: Array<{ rps: number }> = [];
  const signIns = new Series(`${PLATFORM}: POST /oauth/interaction/<id>/sign-in`, 303);
  for (let r = 1; r <= settings.signInRounds; r += 1) {
    log(`sign-in round ${r}/${settings.signInRounds} (cost ${settings.bcryptCost})`);
    const limit = await bcryptLimit(context, settings.bcryptCost, settings.signInDurationSec);
    limits.push(limit);
    const amount = Math.max(
      settings.passwordConnections,
      Math.round(limit.rps * settings.signInDurationSec),
    );
    await measure(signIns, server, signIn(4 * settings.signInDurationSec, amount));
  }
  return compare(
    {
      id: `sign-in-${PLATFORM}-cost${settings.bcryptCost}`,
      scenario: 7,
      title: `${PLATFORM}: built-in sign-in vs bcrypt-bound limit (cost ${settings.bcryptCost})`,
      platform: PLATFORM,
      measured: signIns.summary(),
      baseline: bcryptMeasurement(settings.bcryptCost, settings.passwordConnections, limits),
    },
    { min: 0.9, text: '≥ 0.9× bcrypt-bound' },
  );
}
