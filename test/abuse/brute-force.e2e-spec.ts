import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { BruteForceLimiter } from '../../src/abuse/brute-force.limiter.js';
import { bruteForceKeyPrefix } from '../../src/abuse/redis-attempt-counter.js';
import type { ResolvedSentinelOptions } from '../../src/options/resolved-options.js';
import { accountSubject } from '../../src/abuse/account-subject.js';
import { SENTINEL_OPTIONS } from '../../src/sentinel.constants.js';
import { TOO_MANY_ATTEMPTS } from '../../src/abuse/too-many-attempts.js';
import type { SentinelModuleOptions } from '../../src/index.js';
import {
  BACKENDS,
  createTestClient,
  postForm,
  startProtocolApp,
  type ProtocolApp,
  type TestClient,
} from '../revocation/protocol-testing.js';
import {
  CLUSTER,
  SENTINEL,
  startShared,
  stopShared,
  TOPOLOGY_START_TIMEOUT_MS,
  type RedisDeployment,
} from '../harness/redis-deployments.js';

// docs/security.md 13, ADR 0007: brute-force protection of the password grant and of client
// authentication, on the in-memory default and on FerretDB + redis-server.

const PASSWORD = 'correct horse battery staple';
/** supertest connects over loopback; the limiter reads IPv4-mapped addresses as IPv4. */
const LOOPBACK = '127.0.0.1';
const LOCKED_BODY = { error: 'invalid_request', error_description: TOO_MANY_ATTEMPTS };

type Backend = (label: string) => Promise<SentinelModuleOptions>;

/** FerretDB + a Sentinel or Cluster topology shared by the file (issue 17). */
function onTopology(deployment: RedisDeployment): [string, Backend] {
  return [
    `FerretDB + Redis ${deployment.name}`,
    async (label) => ({
      ...BACKENDS[1][1](label),
      redis: (await startShared(deployment)).config,
    }),
  ];
}

const LOCKOUT_BACKENDS: Array<[string, Backend]> = [
  ...BACKENDS.map(([label, backend]): [string, Backend] => [label, async (l) => backend(l)]),
  onTopology(SENTINEL),
  onTopology(CLUSTER),
];

afterAll(() => stopShared());

describe.each(LOCKOUT_BACKENDS)('brute-force protection on %s', (label, backend) => {
  let t: ProtocolApp | undefined;
  // Starts the file's Sentinel or Cluster topology before the first test's clock starts.
  beforeAll(() => backend('warm-up'), TOPOLOGY_START_TIMEOUT_MS);
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function start(options: SentinelModuleOptions = {}) {
    t = await startProtocolApp({ ...(await backend(`brute_${label}`)), ...options });
    const client = await createTestClient(t.clients, { clientType: 'public' });
    const username = `alice-${Math.floor(Math.random() * 1e9)}`;
    await t.users.create({ username, password: PASSWORD });
    return { t, client, username, limiter: t.app.get(BruteForceLimiter) };
  }

  function signIn(app: ProtocolApp, client: TestClient, username: string, password: string) {
    return postForm(app.app, '/oauth/token', client, {
      grant_type: 'password',
      username,
      password,
    });
  }

  it('locks an account after its free attempts, refusing the right password with 429 and Retry-After', async () => {
    const { t, client, username, limiter } = await start();
    for (let i = 0; i < 5; i++) {
      expect((await signIn(t, client, username, 'wrong')).status).toBe(400);
    }
    // The sixth attempt is still checked, and locks the account for 1 s.
    expect((await signIn(t, client, username, 'wrong')).status).toBe(400);
    const locked = await signIn(t, client, username, PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.headers['retry-after']).toBe('1');
    expect(locked.headers['cache-control']).toBe('no-store');
    expect(locked.body).toEqual(LOCKED_BODY);
    expect(locked.body).not.toHaveProperty('access_token');
    expect((await limiter.inspectAccount(username, LOOPBACK)).attempts).toBe(6);
    if (t.redis !== null) {
      // Counted in Redis, not in the memory fallback (which a CROSSSLOT would silently select).
      const { keyPrefix } = t.app.get<ResolvedSentinelOptions>(SENTINEL_OPTIONS);
      const hashed = createHash('sha256').update(accountSubject(username, LOOPBACK)).digest('hex');
      const stored = await t.redis.get(`${bruteForceKeyPrefix(keyPrefix)}account:${hashed}`);
      expect(stored).toMatch(/^6:\d+:\d+$/);
    }

    t.clock.advanceSeconds(1);
    expect((await signIn(t, client, username, PASSWORD)).status).toBe(200);
    // A successful sign-in resets the account counter.
    expect(await limiter.inspectAccount(username, LOOPBACK)).toEqual({
      attempts: 0,
      lockedUntil: 0,
    });
  });

  it('locks an (account, address) pair: the owner still signs in from another address (issue 15)', async () => {
    const { t, client, username, limiter } = await start();
    (t.app.getHttpAdapter().getInstance() as { set(k: string, v: unknown): void }).set(
      'trust proxy',
      'loopback',
    );
    const from = (address: string, name: string, password: string) =>
      request(t.app.getHttpServer())
        .post('/oauth/token')
        .type('form')
        .set('X-Forwarded-For', address)
        .send(
          new URLSearchParams({
            grant_type: 'password',
            client_id: client.clientId,
            username: name,
            password,
          }).toString(),
        );
    const unknown = `nobody-${Math.floor(Math.random() * 1e9)}`;
    const answers: string[] = [];
    for (const name of [username, unknown]) {
      // A stranger spells the name differently: one counter per account however spelled.
      for (let i = 0; i < 6; i++) await from('203.0.113.9', name.toUpperCase(), 'wrong');
      const locked = await from('203.0.113.9', name, PASSWORD);
      expect(locked.status).toBe(429);
      expect(locked.body).toEqual(LOCKED_BODY);
      answers.push(locked.text);
    }
    // Known and unknown usernames are refused byte for byte alike.
    expect(answers[0]).toBe(answers[1]);
    expect((await limiter.inspectAccount(username, '203.0.113.9')).lockedUntil).toBeGreaterThan(
      t.clock.now(),
    );
    // The owner, from their own address, is not locked out by the stranger.
    expect((await from('198.51.100.20', username, PASSWORD)).status).toBe(200);
    expect((await from('198.51.100.21', unknown, 'wrong')).status).toBe(400);
  });

  it('doubles the lockout with every further failure, up to maxLockSeconds', async () => {
    const { t, client, username } = await start({
      bruteForce: { account: { freeAttempts: 2, lockSeconds: 2, maxLockSeconds: 10 } },
    });
    await signIn(t, client, username, 'wrong');
    await signIn(t, client, username, 'wrong');
    const retryAfters: string[] = [];
    for (let i = 0; i < 4; i++) {
      expect((await signIn(t, client, username, 'wrong')).status).toBe(400);
      const refused = await signIn(t, client, username, 'wrong');
      expect(refused.status).toBe(429);
      retryAfters.push(refused.headers['retry-after']);
      t.clock.advanceSeconds(Number(refused.headers['retry-after']));
    }
    expect(retryAfters).toEqual(['2', '4', '8', '10']);
  });

  it('locks an unknown username exactly like an existing one, with byte-identical answers', async () => {
    const { t, client, username } = await start();
    const unknown = `nobody-${Math.floor(Math.random() * 1e9)}`;
    const trace = async (name: string) => {
      const answers: string[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await signIn(t, client, name, 'wrong');
        answers.push(`${res.status} ${res.headers['retry-after'] ?? '-'} ${res.text}`);
      }
      return answers;
    };
    const known = await trace(username);
    expect(await trace(unknown)).toEqual(known);
    expect(known.filter((line) => line.startsWith('429'))).toHaveLength(2);
  });

  it('counts spellings of one username together', async () => {
    const { t, client, username, limiter } = await start();
    await signIn(t, client, username.toUpperCase(), 'wrong');
    await signIn(t, client, ` ${username}`, 'wrong');
    expect((await limiter.inspectAccount(username, LOOPBACK)).attempts).toBe(2);
  });

  it('forgets an account after resetAfterSeconds without attempts', async () => {
    const { t, client, username, limiter } = await start({
      bruteForce: { account: { resetAfterSeconds: 60 } },
    });
    for (let i = 0; i < 4; i++) await signIn(t, client, username, 'wrong');
    t.clock.advanceSeconds(60);
    expect((await limiter.inspectAccount(username, LOOPBACK)).attempts).toBe(0);
    for (let i = 0; i < 5; i++) {
      expect((await signIn(t, client, username, 'wrong')).status).toBe(400);
    }
  });

  it('limits failures per client address across usernames (password spraying)', async () => {
    const { t, client, limiter } = await start({ bruteForce: { ip: { freeAttempts: 3 } } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push((await signIn(t, client, `spray-${i}`, 'Summer2024!')).status);
    }
    expect(statuses).toEqual([400, 400, 400, 400, 429, 429]);
    expect((await limiter.inspect('ip', LOOPBACK)).attempts).toBe(4);
  });

  it('does not let a successful sign-in reset the address counter', async () => {
    const { t, client, username, limiter } = await start({
      bruteForce: { ip: { freeAttempts: 3 } },
    });
    await signIn(t, client, 'spray-1', 'x');
    await signIn(t, client, 'spray-2', 'x');
    expect((await signIn(t, client, username, PASSWORD)).status).toBe(200);
    expect((await limiter.inspect('ip', LOOPBACK)).attempts).toBe(2);
  });

  it('never refuses a correct client secret, however many wrong ones were sent for its id (issue 15)', async () => {
    const { t, limiter } = await start({
      bruteForce: { client: { freeAttempts: 3, lockSeconds: 5 } },
    });
    const confidential = await createTestClient(t.clients, { grantTypes: ['client_credentials'] });
    const wrong = {
      ...confidential,
      clientSecret: 'wrong',
      auth: basicOf(confidential.clientId, 'wrong'),
    };
    const grant = (c: TestClient) =>
      postForm(t.app, '/oauth/token', c, { grant_type: 'client_credentials' });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await grant(wrong)).status);
    // The failing address is slowed: 429 with Retry-After once its free failures are used.
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses.slice(4)).toEqual(Array(7).fill(429));
    const refused = await grant(wrong);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(refused.body).toEqual(LOCKED_BODY);
    expect((await limiter.inspect('client', LOOPBACK)).lockedUntil).toBeGreaterThan(t.clock.now());
    // The right secret is checked first and passes, at every endpoint that authenticates clients.
    expect((await grant(confidential)).status).toBe(200);
    const introspect = await postForm(t.app, '/oauth/introspect', confidential, { token: 'x' });
    expect(introspect.status).toBe(200);
    const revoke = await postForm(t.app, '/oauth/revoke', confidential, { token: 'x' });
    expect(revoke.status).toBe(200);
  });

  it('counts failed client authentications per address across client ids', async () => {
    const { t } = await start({ bruteForce: { client: { freeAttempts: 2 } } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await postForm(
        t.app,
        '/oauth/token',
        { clientId: `unknown-${i}`, clientSecret: 'guess', auth: basicOf(`unknown-${i}`, 'guess') },
        { grant_type: 'client_credentials' },
      );
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('never refuses a public client that sends no secret, whatever others sent for its id', async () => {
    const { t, client, username, limiter } = await start({
      bruteForce: { client: { freeAttempts: 1 } },
    });
    const withSecret = {
      ...client,
      clientSecret: 'guess',
      auth: basicOf(client.clientId, 'guess'),
    };
    for (let i = 0; i < 3; i++) {
      await postForm(t.app, '/oauth/token', withSecret, {
        grant_type: 'password',
        username,
        password: PASSWORD,
      });
    }
    // The address is locked for failed client authentications, yet the public client signs in.
    expect((await limiter.inspect('client', LOOPBACK)).lockedUntil).toBeGreaterThan(t.clock.now());
    expect((await signIn(t, client, username, PASSWORD)).status).toBe(200);
  });

  it('counts N parallel wrong passwords exactly N times (atomic counting)', async () => {
    const { t, client, username, limiter } = await start({
      bruteForce: { account: { freeAttempts: 50 } },
    });
    const n = 12;
    const before = (await limiter.inspectAccount(username, LOOPBACK)).attempts;
    const results = await Promise.all(
      Array.from({ length: n }, () => signIn(t, client, username, 'wrong')),
    );
    expect(results.map((r) => r.status)).toEqual(Array(n).fill(400));
    expect((await limiter.inspectAccount(username, LOOPBACK)).attempts).toBe(before + n);
    expect((await limiter.inspect('ip', LOOPBACK)).attempts).toBe(n);
  });

  it('bounds a parallel burst: once the free attempts are used, one more is checked per lockout', async () => {
    const { t, client, username } = await start({ bruteForce: { account: { freeAttempts: 3 } } });
    const results = await Promise.all(
      Array.from({ length: 16 }, () => signIn(t, client, username, 'wrong')),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 400)).toHaveLength(4);
    expect(statuses.filter((s) => s === 429)).toHaveLength(12);
  });

  it('bruteForce: false switches every counter off', async () => {
    const { t, client, username } = await start({ bruteForce: false });
    for (let i = 0; i < 12; i++) {
      expect((await signIn(t, client, username, 'wrong')).status).toBe(400);
    }
    expect((await signIn(t, client, username, PASSWORD)).status).toBe(200);
  });

  it('account: false keeps the address counter, ip: false keeps the account counter', async () => {
    const { t, client, username } = await start({
      bruteForce: { account: false, ip: { freeAttempts: 7 } },
    });
    for (let i = 0; i < 8; i++) {
      expect((await signIn(t, client, username, 'wrong')).status).toBe(400);
    }
    expect((await signIn(t, client, username, PASSWORD)).status).toBe(429);
    await t.close();

    const second = await start({ bruteForce: { ip: false } });
    for (let i = 0; i < 6; i++) await signIn(second.t, second.client, second.username, 'wrong');
    expect((await signIn(second.t, second.client, second.username, PASSWORD)).status).toBe(429);
    // Another account from the same address is untouched.
    const other = `bob-${Math.floor(Math.random() * 1e9)}`;
    await second.t.users.create({ username: other, password: PASSWORD });
    expect((await signIn(second.t, second.client, other, PASSWORD)).status).toBe(200);
  });

  it('client: false leaves client authentication unthrottled', async () => {
    const { t } = await start({ bruteForce: { client: false } });
    const confidential = await createTestClient(t.clients, { grantTypes: ['client_credentials'] });
    const wrong = {
      ...confidential,
      clientSecret: 'wrong',
      auth: basicOf(confidential.clientId, 'wrong'),
    };
    for (let i = 0; i < 15; i++) {
      expect(
        (await postForm(t.app, '/oauth/token', wrong, { grant_type: 'client_credentials' })).status,
      ).toBe(401);
    }
    expect(
      (await postForm(t.app, '/oauth/token', confidential, { grant_type: 'client_credentials' }))
        .status,
    ).toBe(200);
  });

  it('does not count requests refused before the credentials are checked', async () => {
    const { t, client, username, limiter } = await start();
    await postForm(t.app, '/oauth/token', client, { grant_type: 'password', username });
    await postForm(t.app, '/oauth/token', client, {
      grant_type: 'password',
      username,
      password: 'x',
      scope: 'not-allowed',
    });
    await request(t.app.getHttpServer()).get('/oauth/token');
    expect((await limiter.inspectAccount(username, LOOPBACK)).attempts).toBe(0);
  });
});

function basicOf(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}
