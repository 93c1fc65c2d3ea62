import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  jest,
} from '@jest/globals';
import { Logger } from '@nestjs/common';
import {
  BACKENDS,
  callApi,
  createTestClient,
  login,
  refresh,
  startProtocolApp,
  type ProtocolApp,
  type TestClient,
} from '../revocation/protocol-testing.js';

// Issue 15 §1, ADR 0003: every presentation of an already claimed refresh token is treated the
// same way whatever the interleaving (RFC 9700 §4.14.2), on the in-memory store and on FerretDB
// (whose findAndModify is not atomic). Each round asserts the whole outcome.

const PASSWORD = 'correct horse battery staple';
const ROUNDS = 50;

describe.each(BACKENDS)('refresh races on %s', (label, backend) => {
  let t: ProtocolApp;
  let lenient: ProtocolApp;
  let client: TestClient;
  let lenientClient: TestClient;
  const username = `racer-${Math.floor(Math.random() * 1e9)}`;
  let warnings: string[];

  // These suites assert race outcomes, not latency: a slow machine must not turn a loser's
  // answer into a 503 (12 concurrent rotations on FerretDB can exceed the default 5 s budget).
  const patient = { bruteForce: false, mongoTimeoutMs: 30_000 } as const;

  beforeAll(async () => {
    t = await startProtocolApp({ ...backend(`races_${label}`), ...patient });
    lenient = await startProtocolApp({
      ...backend(`races_lenient_${label}`),
      ...patient,
      refreshTokenReuseIntervalSeconds: 30,
    });
    client = await createTestClient(t.clients, { clientType: 'public' });
    lenientClient = await createTestClient(lenient.clients, { clientType: 'public' });
    await t.users.create({ username, password: PASSWORD });
    await lenient.users.create({ username, password: PASSWORD });
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await lenient.close();
  });
  beforeEach(() => {
    warnings = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
      warnings.push(String(message));
    });
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  const reuseWarnings = () => warnings.filter((w) => w.includes('Refresh token reuse')).length;

  /** One race of `n` refreshes of one fresh token; returns the winner and the losers. */
  async function race(app: ProtocolApp, by: TestClient, n: number) {
    const tokens = await login(app.app, by, username, PASSWORD);
    warnings.length = 0;
    const results = await Promise.all(
      Array.from({ length: n }, () => refresh(app.app, by, tokens.refresh_token!)),
    );
    const winners = results.filter((r) => r.status === 200);
    const losers = results.filter((r) => r.status !== 200);
    expect(winners).toHaveLength(1);
    for (const loser of losers) {
      expect(loser.status).toBe(400);
      expect(loser.body.error).toBe('invalid_grant');
    }
    return { tokens, winner: winners[0].body as { access_token: string; refresh_token: string } };
  }

  /** Strict (the default): the losers' reuse is logged and the winner's new pair is revoked. */
  async function strictRounds(n: number) {
    for (let round = 0; round < ROUNDS; round++) {
      const { winner } = await race(t, client, n);
      // Every loser is reuse; one that reads the record after another loser revoked the family
      // (before the winner's consumed mark landed) finds it revoked: same answer, same family.
      expect(reuseWarnings()).toBeGreaterThanOrEqual(1);
      expect(reuseWarnings()).toBeLessThanOrEqual(n - 1);
      expect((await callApi(t.app, winner.access_token)).status).toBe(401);
      expect((await refresh(t.app, client, winner.refresh_token)).status).toBe(400);
    }
  }

  it(`2-way races, ${ROUNDS} rounds: one 200, one invalid_grant that revokes the family`, async () => {
    await strictRounds(2);
  }, 120_000);

  it(`12-way races, ${ROUNDS} rounds: one 200, eleven reuses, the family revoked`, async () => {
    await strictRounds(12);
  }, 240_000);

  it(`within the reuse interval, ${ROUNDS} rounds of 12: losers get invalid_grant, the winner's pair lives`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { tokens, winner } = await race(lenient, lenientClient, 12);
      expect(reuseWarnings()).toBe(0);
      expect(warnings.filter((w) => w.includes('within the reuse interval'))).toHaveLength(11);
      expect((await callApi(lenient.app, winner.access_token)).status).toBe(200);
      // The rotated token never works again, even inside the interval.
      expect((await refresh(lenient.app, lenientClient, tokens.refresh_token!)).status).toBe(400);
      expect((await callApi(lenient.app, winner.access_token)).status).toBe(200);
    }
  }, 240_000);

  it('the reuse interval is measured from the rotation on the module clock', async () => {
    const tokens = await login(lenient.app, lenientClient, username, PASSWORD);
    const rotated = await refresh(lenient.app, lenientClient, tokens.refresh_token!);
    expect(rotated.status).toBe(200);
    lenient.clock.advanceSeconds(29.999);
    const early = await refresh(lenient.app, lenientClient, tokens.refresh_token!);
    expect(early.body.error).toBe('invalid_grant');
    expect((await callApi(lenient.app, rotated.body.access_token)).status).toBe(200);
    lenient.clock.advanceSeconds(0.001);
    const late = await refresh(lenient.app, lenientClient, tokens.refresh_token!);
    expect(late.body.error).toBe('invalid_grant');
    expect((await callApi(lenient.app, rotated.body.access_token)).status).toBe(401);
    expect((await refresh(lenient.app, lenientClient, rotated.body.refresh_token)).status).toBe(
      400,
    );
  });
});
