import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { jest } from '@jest/globals';
import type { SentinelClient } from '../../src/storage/client-store.js';
import { basic } from '../token/token-testing.js';
import { callApi } from '../module/module-testing.js';
import {
  COMBINATIONS,
  TestBrowser,
  answerOf,
  authorizePath,
  pkcePair,
  redeemCode,
  startAuthorizationApp,
  submitSignIn,
  type AuthorizationApp,
} from './authorization-testing.js';

const WEB = 'https://app.example.com/callback';
const PASSWORD = 'correct horse battery';

/**
 * `grant_type=authorization_code` after a real authorization (RFC 6749 §4.1.3–4.1.4, RFC 7636
 * §4.5–4.6; docs/security.md 24, 25, 32): single use with revocation on reuse, concurrency,
 * expiry, the bindings, users who change after approval, and refresh.
 */
describe.each(COMBINATIONS)('authorization code redemption on %s', (_name, backend, platform) => {
  let t: AuthorizationApp;
  let relaxed: AuthorizationApp;
  let client: SentinelClient;
  let confidential: { client: SentinelClient; secret: string };
  let relaxedClient: { client: SentinelClient; secret: string };
  let n = 0;

  beforeAll(async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    t = await startAuthorizationApp(backend('authz-redeem'), platform);
    relaxed = await startAuthorizationApp(
      {
        ...backend('authz-relaxed'),
        authorizationCode: { requirePkceForConfidentialClients: false, codeTtl: 120 },
      },
      platform,
    );
    const fields = {
      clientName: 'Orders',
      grantTypes: ['authorization_code', 'refresh_token'],
      scope: 'orders profile',
      redirectUris: [WEB],
      firstParty: true,
    };
    ({ client } = await t.clients.create({ ...fields, clientType: 'public' }));
    const created = await t.clients.create({ ...fields, clientType: 'confidential' });
    confidential = { client: created.client, secret: created.clientSecret! };
    const other = await relaxed.clients.create({ ...fields, clientType: 'confidential' });
    relaxedClient = { client: other.client, secret: other.clientSecret! };
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await t?.close();
    await relaxed?.close();
  });

  /** A new user signs in and approves (first-party: no consent page); returns the code. */
  async function authorize(
    app: AuthorizationApp = t,
    who: SentinelClient = client,
    challenge: string | null = pkcePair().challenge,
  ): Promise<{ code: string; userId: string }> {
    const username = `redeemer${++n}`;
    const userId = (await app.users.create({ username, password: PASSWORD })).id;
    const browser = new TestBrowser(app.app);
    const extra =
      challenge === null ? { code_challenge: undefined, code_challenge_method: undefined } : {};
    const page = await browser.follow(authorizePath(who.clientId, WEB, challenge ?? '', extra));
    const posted = await submitSignIn(browser, page, username, PASSWORD);
    const answered = await browser.follow(posted.headers.location);
    expect(answered.status).toBe(303);
    return { code: answerOf(answered.headers.location).code, userId };
  }

  async function authorizeWithPkce() {
    const pkce = pkcePair();
    const minted = await authorize(t, client, pkce.challenge);
    return { ...minted, verifier: pkce.verifier };
  }

  const redeem = (code: string, verifier: string | undefined, extra: Record<string, string> = {}) =>
    redeemCode(t.app, {
      code,
      code_verifier: verifier,
      redirect_uri: WEB,
      client_id: client.clientId,
      ...extra,
    });

  it('issues tokens with no-store, and the refresh token rotates as for the other grants', async () => {
    const { code, verifier, userId } = await authorizeWithPkce();
    const res = await redeem(code, verifier);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'orders' });
    expect((await callApi(t.app, res.body.access_token)).body).toMatchObject({ userId });
    const refreshed = await redeemCode(t.app, {
      grant_type: 'refresh_token',
      refresh_token: res.body.refresh_token,
      client_id: client.clientId,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(res.body.refresh_token);
  });

  it('a second redemption is invalid_grant and revokes every token issued from the code (RFC 6749 §4.1.2)', async () => {
    const { code, verifier } = await authorizeWithPkce();
    const first = await redeem(code, verifier);
    expect(first.status).toBe(200);
    const refreshed = await redeemCode(t.app, {
      grant_type: 'refresh_token',
      refresh_token: first.body.refresh_token,
      client_id: client.clientId,
    });
    expect(refreshed.status).toBe(200);
    const second = await redeem(code, verifier);
    expect(second.status).toBe(400);
    expect(second.body.error).toBe('invalid_grant');
    expect((await callApi(t.app, first.body.access_token)).status).toBe(401);
    expect((await callApi(t.app, refreshed.body.access_token)).status).toBe(401);
  });

  it('of 8 concurrent redemptions exactly one wins, and its tokens end up revoked', async () => {
    const { code, verifier } = await authorizeWithPkce();
    const answers = await Promise.all(Array.from({ length: 8 }, () => redeem(code, verifier)));
    const won = answers.filter((res) => res.status === 200);
    expect(won).toHaveLength(1);
    expect(answers.filter((res) => res.body.error === 'invalid_grant')).toHaveLength(7);
    expect((await callApi(t.app, won[0].body.access_token)).status).toBe(401);
  });

  it('expires after 60 s by default (fake clock)', async () => {
    const { code, verifier } = await authorizeWithPkce();
    t.clock.advanceSeconds(61);
    try {
      const res = await redeem(code, verifier);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_grant');
    } finally {
      t.clock.advanceSeconds(-61);
    }
  });

  it.each<[string, (minted: { verifier: string }) => Record<string, string | undefined>]>([
    ['a wrong verifier', () => ({ code_verifier: pkcePair().verifier })],
    ['the challenge sent as the verifier (plain)', () => ({ code_verifier: undefined })],
    ['another redirect_uri', () => ({ redirect_uri: 'https://app.example.com/other' })],
    ['no redirect_uri although the request named one', () => ({ redirect_uri: undefined })],
  ])('refuses %s with invalid_grant, and the code is used up', async (_what, change) => {
    const minted = await authorizeWithPkce();
    const overrides = change(minted);
    if (_what.startsWith('the challenge')) {
      const { s256Challenge } = await import('../../src/authorization/pkce.js');
      overrides.code_verifier = s256Challenge(minted.verifier);
    }
    const res = await redeemCode(t.app, {
      code: minted.code,
      code_verifier: minted.verifier,
      redirect_uri: WEB,
      client_id: client.clientId,
      ...overrides,
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    expect((await redeem(minted.code, minted.verifier)).body.error).toBe('invalid_grant');
  });

  it('a code is bound to its client: another client gets invalid_grant', async () => {
    const { code, verifier } = await authorizeWithPkce();
    const res = await redeemCode(
      t.app,
      { code, code_verifier: verifier, redirect_uri: WEB },
      basic(confidential.client.clientId, confidential.secret),
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('a user disabled or deleted after approval gets no tokens (docs/security.md 32)', async () => {
    const disabled = await authorizeWithPkce();
    await t.users.update(disabled.userId, { disabled: true });
    expect((await redeem(disabled.code, disabled.verifier)).body.error).toBe('invalid_grant');
    const deleted = await authorizeWithPkce();
    await t.users.delete(deleted.userId);
    expect((await redeem(deleted.code, deleted.verifier)).body.error).toBe('invalid_grant');
  });

  it('a confidential client authenticates as for the other grants', async () => {
    const pkce = pkcePair();
    const { code } = await authorize(t, confidential.client, pkce.challenge);
    const unauthenticated = await redeemCode(t.app, {
      code,
      code_verifier: pkce.verifier,
      redirect_uri: WEB,
      client_id: confidential.client.clientId,
    });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.body.error).toBe('invalid_client');
  });

  describe('with PKCE relaxed for confidential clients (authorizationCode.requirePkceForConfidentialClients: false)', () => {
    const auth = () => basic(relaxedClient.client.clientId, relaxedClient.secret);

    it('a confidential client may omit PKCE; a verifier for such a code is a downgrade and refused', async () => {
      const plain = await authorize(relaxed, relaxedClient.client, null);
      const ok = await redeemCode(relaxed.app, { code: plain.code, redirect_uri: WEB }, auth());
      expect(ok.status).toBe(200);
      const downgrade = await authorize(relaxed, relaxedClient.client, null);
      const refused = await redeemCode(
        relaxed.app,
        { code: downgrade.code, redirect_uri: WEB, code_verifier: pkcePair().verifier },
        auth(),
      );
      expect(refused.status).toBe(400);
      expect(refused.body.error).toBe('invalid_grant');
    });

    it('a code with a challenge still needs its verifier, and codeTtl is honoured', async () => {
      const pkce = pkcePair();
      const minted = await authorize(relaxed, relaxedClient.client, pkce.challenge);
      const missing = await redeemCode(
        relaxed.app,
        { code: minted.code, redirect_uri: WEB },
        auth(),
      );
      expect(missing.status).toBe(400);
      const later = await authorize(relaxed, relaxedClient.client, pkce.challenge);
      relaxed.clock.advanceSeconds(100);
      try {
        const inTime = await redeemCode(
          relaxed.app,
          { code: later.code, redirect_uri: WEB, code_verifier: pkce.verifier },
          auth(),
        );
        expect(inTime.status).toBe(200);
      } finally {
        relaxed.clock.advanceSeconds(-100);
      }
    });
  });
});
