import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BruteForceLimiter } from '../../src/abuse/brute-force.limiter.js';
import { digest } from '../../src/crypto/digest.js';
import { redisUrl, uniqueDbName, uniqueKeyPrefix } from '../harness/backends.js';
import {
  callApi,
  createTestClient,
  login,
  postForm,
  refresh,
  startProtocolApp,
  type ProtocolApp,
  type TestClient,
} from '../revocation/protocol-testing.js';
import {
  eventually,
  expectUnavailable,
  privateFerretDb,
  settled,
  type PrivateService,
} from './fault-testing.js';

// docs/security.md 18, 19: a private FerretDB is stopped mid-run and started again (same port and
// data directory). Redis (the shared redis-server, never stopped here) stays up.

const PASSWORD = 'correct horse battery staple';

describe('MongoDB stops mid-run and comes back (docs/security.md 18, ADR 0004, ADR 0007)', () => {
  let ferret: PrivateService;
  let t: ProtocolApp;
  let client: TestClient;
  let machine: TestClient;
  const keyPrefix = uniqueKeyPrefix('mongo_outage');
  const username = `alice-${Math.floor(Math.random() * 1e9)}`;

  beforeAll(async () => {
    ferret = await privateFerretDb();
    t = await startProtocolApp({
      mongo: { uri: ferret.handle.url, dbName: uniqueDbName('mongo_outage') },
      redis: redisUrl(),
      keyPrefix,
      mongoTimeoutMs: 1500,
    });
    client = await createTestClient(t.clients, { clientType: 'public' });
    machine = await createTestClient(t.clients, { grantTypes: ['client_credentials'] });
    await t.users.create({ username, password: PASSWORD });
  }, 60_000);
  afterAll(async () => {
    await ferret.handle.start();
    await t.close();
    await ferret.close();
  }, 60_000);

  it('answers 503 without a token or a stack, never 401, and recovers without a restart', async () => {
    const cached = await login(t.app, client, username, PASSWORD);
    const uncached = await login(t.app, client, username, PASSWORD);
    // Only in MongoDB now, as after a Redis restart or eviction.
    await t.redis!.del(`${keyPrefix}token:${digest(uncached.access_token)}`);

    await ferret.handle.stop();

    // Token endpoint: every grant is 503 temporarily_unavailable, nothing issued.
    expectUnavailable(
      await settled(
        postForm(t.app, '/oauth/token', client, {
          grant_type: 'password',
          username,
          password: PASSWORD,
        }),
      ),
    );
    expectUnavailable(await settled(refresh(t.app, client, cached.refresh_token!)));
    expectUnavailable(
      await settled(postForm(t.app, '/oauth/token', machine, { grant_type: 'client_credentials' })),
    );
    // Revocation and introspection cannot decide either.
    expectUnavailable(
      await settled(postForm(t.app, '/oauth/revoke', client, { token: cached.access_token })),
    );
    expectUnavailable(
      await settled(postForm(t.app, '/oauth/introspect', machine, { token: cached.access_token })),
    );

    // The guard: a token it cannot check is 503 — never 401 invalid_token.
    const unchecked = await settled(callApi(t.app, uncached.access_token));
    expect(unchecked.status).toBe(503);
    expect(unchecked.headers['retry-after']).toMatch(/^\d+$/);
    expect(unchecked.headers['www-authenticate'] ?? '').not.toContain('invalid_token');
    // A token live in Redis still passes: revocations need MongoDB first, so none can have been
    // made that Redis does not know of (ADR 0004, ADR 0007).
    expect((await settled(callApi(t.app, cached.access_token))).status).toBe(200);

    // Password attempts that could not be checked are not counted against the account.
    expect(
      (await t.app.get(BruteForceLimiter).inspectAccount(username, '127.0.0.1')).attempts,
    ).toBe(0);

    await ferret.handle.start();

    // Recovers on its own: the driver reconnects, no restart.
    await eventually(async () => {
      const res = await postForm(t.app, '/oauth/token', client, {
        grant_type: 'password',
        username,
        password: PASSWORD,
      });
      return res.status === 200;
    }, 'the token endpoint recovering after MongoDB returned');
    expect((await settled(callApi(t.app, uncached.access_token))).status).toBe(200);
    const rotated = await refresh(t.app, client, cached.refresh_token!);
    expect(rotated.status).toBe(200);
    expect((await callApi(t.app, rotated.body.access_token)).status).toBe(200);
    expect(
      (await postForm(t.app, '/oauth/revoke', client, { token: rotated.body.refresh_token }))
        .status,
    ).toBe(200);
    expect((await callApi(t.app, rotated.body.access_token)).status).toBe(401);
  }, 180_000);
});
