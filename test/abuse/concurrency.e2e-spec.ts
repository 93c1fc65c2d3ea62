import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  BACKENDS,
  callApi,
  createTestClient,
  login,
  postForm,
  refresh,
  startProtocolApp,
  type ProtocolApp,
  type TestClient,
} from '../revocation/protocol-testing.js';

// docs/security.md 6, 9, 19 under concurrency, on the in-memory default and FerretDB + redis-server
// (whose findAndModify is not atomic; see ferretdb-race-guards.ts). N parallel wrong passwords are in
// brute-force.e2e-spec.ts.

const PASSWORD = 'correct horse battery staple';

describe.each(BACKENDS)('concurrency on %s', (label, backend) => {
  let t: ProtocolApp;
  let client: TestClient;
  let userId: string;
  const username = `alice-${Math.floor(Math.random() * 1e9)}`;

  beforeAll(async () => {
    t = await startProtocolApp({ ...backend(`concurrency_${label}`), bruteForce: false });
    client = await createTestClient(t.clients, { clientType: 'public' });
    userId = (await t.users.create({ username, password: PASSWORD })).id;
  });
  afterAll(async () => {
    await t.close();
  });

  async function familyRecords(refreshToken: string) {
    const { digest } = await import('../../src/crypto/digest.js');
    const record = await t.tokens.findByRefreshDigest(digest(refreshToken));
    const page = await t.tokens.list({ page: 1, perPage: 100, userId });
    return page.items.filter((item) => item.familyId === record!.familyId);
  }

  it('N parallel refreshes of one token: exactly one succeeds, at most one new pair is stored', async () => {
    const n = 10;
    const tokens = await login(t.app, client, username, PASSWORD);
    expect(await familyRecords(tokens.refresh_token!)).toHaveLength(1);
    const results = await Promise.all(
      Array.from({ length: n }, () => refresh(t.app, client, tokens.refresh_token!)),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 400)).toHaveLength(n - 1);
    for (const loser of results.filter((r) => r.status === 400)) {
      expect(loser.body.error).toBe('invalid_grant');
    }
    // The original record plus at most one new pair.
    expect((await familyRecords(tokens.refresh_token!)).length).toBeLessThanOrEqual(2);
  });

  it('a refresh racing a revocation yields no usable token once the revocation answered', async () => {
    for (let round = 0; round < 12; round++) {
      const tokens = await login(t.app, client, username, PASSWORD);
      const refreshing = refresh(t.app, client, tokens.refresh_token!);
      const revoking = postForm(t.app, '/oauth/revoke', client, { token: tokens.refresh_token! });
      const [refreshed, revoked] =
        round % 2 === 0
          ? await Promise.all([refreshing, revoking])
          : (await Promise.all([revoking, refreshing])).reverse();
      expect(revoked.status).toBe(200);
      expect((await callApi(t.app, tokens.access_token)).status).toBe(401);
      if (refreshed.status === 200) {
        // Whatever the interleaving, the pair the refresh handed out is dead: the family was
        // revoked after it was stored, or the rotation saw the revocation and swept it.
        expect((await callApi(t.app, refreshed.body.access_token)).status).toBe(401);
        const again = await refresh(t.app, client, refreshed.body.refresh_token);
        expect(again.status).toBe(400);
      } else {
        expect(refreshed.status).toBe(400);
        expect(refreshed.body).not.toHaveProperty('access_token');
      }
    }
  }, 60_000);
});
