import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import request from 'supertest';
import { digest } from '../../src/crypto/digest.js';
import type { DeviceCodeStore } from '../../src/device/device-code.store.js';
import { DEVICE_CODES } from '../../src/device/device.tokens.js';
import { normalizeUserCode } from '../../src/device/user-code.js';
import type { SentinelClient } from '../../src/storage/client-store.js';
import {
  COMBINATIONS,
  startAuthorizationApp,
  type AuthorizationApp,
} from '../authorization/authorization-testing.js';
import { callApi, PLATFORMS, refreshGrant } from '../module/module-testing.js';
import { basic } from '../token/token-testing.js';
import {
  DEVICE_CODE_GRANT_TYPE,
  decide,
  pollToken,
  startDeviceAuthorization,
} from './device-testing.js';

const USER_CODE = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;
const ISSUER = 'https://auth.example.com';

/**
 * The token side of the device authorization grant (RFC 8628 §3.1–3.5; docs/security.md 12,
 * 32, 33; ADR 0022): the device authorization endpoint, every answer of a poll, the slow_down
 * rules, single-use redemption under concurrency with revocation on reuse, expiry, client
 * binding, users changed after approval, and the metadata. The person's decision is recorded
 * directly in the store (the verification page is tested with the person side).
 */
describe.each(COMBINATIONS)('device authorization grant on %s', (_name, backend, platform) => {
  let t: AuthorizationApp;
  let withIssuer: AuthorizationApp;
  let device: SentinelClient;
  let tv: { client: SentinelClient; secret: string };
  let passwordOnly: SentinelClient;
  let n = 0;

  beforeAll(async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    t = await startAuthorizationApp(backend('device-token'), platform);
    withIssuer = await startAuthorizationApp(
      { ...backend('device-issuer'), issuer: ISSUER, deviceCode: { codeTtl: 300, interval: 7 } },
      platform,
    );
    const fields = { clientName: 'TV app', scope: 'orders profile' };
    ({ client: device } = await t.clients.create({
      ...fields,
      clientType: 'public',
      grantTypes: [DEVICE_CODE_GRANT_TYPE, 'refresh_token'],
    }));
    const created = await t.clients.create({
      ...fields,
      clientType: 'confidential',
      grantTypes: [DEVICE_CODE_GRANT_TYPE],
    });
    tv = { client: created.client, secret: created.clientSecret! };
    ({ client: passwordOnly } = await t.clients.create({
      ...fields,
      clientType: 'public',
      grantTypes: ['password'],
    }));
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await t?.close();
    await withIssuer?.close();
  });

  /** A device authorization of the public client; returns the answer. */
  async function start(scope: string | null = 'orders'): Promise<Record<string, unknown>> {
    const res = await startDeviceAuthorization(t.app, {
      client_id: device.clientId,
      scope: scope ?? undefined,
    });
    expect(res.status).toBe(200);
    return res.body as Record<string, unknown>;
  }

  async function newUser(): Promise<string> {
    return (await t.users.create({ username: `viewer${++n}`, password: 'correct horse battery' }))
      .id;
  }

  const poll = (deviceCode: string, clientId = device.clientId) =>
    pollToken(t.app, { client_id: clientId, device_code: deviceCode });

  const approve = async (deviceCode: string, userId: string, scope = 'orders') =>
    expect(await decide(t.app, t.clock, deviceCode, { outcome: 'approved', userId, scope })).toBe(
      true,
    );

  describe('the device authorization endpoint (§3.1–3.2)', () => {
    it('answers the codes, the verification URIs, expires_in and interval, never cached', async () => {
      const res = await startDeviceAuthorization(t.app, {
        client_id: device.clientId,
        scope: 'orders',
      });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['pragma']).toBe('no-cache');
      expect(Object.keys(res.body).sort()).toEqual([
        'device_code',
        'expires_in',
        'interval',
        'user_code',
        'verification_uri',
        'verification_uri_complete',
      ]);
      const body = res.body as Record<string, string | number>;
      // 256 bits, base64url: 43 characters.
      expect(body.device_code).toMatch(/^[A-Za-z0-9_-]{43,}$/);
      expect(body.user_code).toMatch(USER_CODE);
      // No issuer configured: the request's origin (supertest sends Host 127.0.0.1:port).
      expect(body.verification_uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/device$/);
      expect(body.verification_uri_complete).toBe(
        `${body.verification_uri}?user_code=${body.user_code}`,
      );
      expect(body.expires_in).toBe(600);
      expect(body.interval).toBe(5);
    });

    it('stores the request under digests, bound to the client, with its scope and expiry', async () => {
      const body = await start('orders profile');
      const store = t.app.get<DeviceCodeStore>(DEVICE_CODES);
      const found = await store.findByDeviceCode(body.device_code as string);
      expect(found?.deviceDigest).toBe(digest(body.device_code as string));
      expect(found?.authorization).toMatchObject({
        clientId: device.clientId,
        scope: ['orders', 'profile'],
        requestedAt: t.clock.now(),
        expiresAt: t.clock.now() + 600_000,
      });
      const byUserCode = await store.findByUserCode(normalizeUserCode(body.user_code)!);
      expect(byUserCode?.deviceDigest).toBe(found?.deviceDigest);
      // Every request starts a token family of its own.
      const other = await store.findByDeviceCode((await start()).device_code as string);
      expect(other?.authorization.familyId).not.toBe(found?.authorization.familyId);
    });

    it('keeps scope null when omitted (the client default applies at approval)', async () => {
      const body = await start(null);
      const found = await t.app
        .get<DeviceCodeStore>(DEVICE_CODES)
        .findByDeviceCode(body.device_code as string);
      expect(found?.authorization.scope).toBeNull();
    });

    it('builds the verification URI on the configured issuer, with the configured lifetimes', async () => {
      const { client } = await withIssuer.clients.create({
        clientName: 'CLI',
        clientType: 'public',
        grantTypes: [DEVICE_CODE_GRANT_TYPE],
        scope: 'orders',
      });
      const res = await startDeviceAuthorization(withIssuer.app, { client_id: client.clientId });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        verification_uri: `${ISSUER}/oauth/device`,
        verification_uri_complete: `${ISSUER}/oauth/device?user_code=${res.body.user_code}`,
        expires_in: 300,
        interval: 7,
      });
    });

    it('authenticates confidential clients as the token endpoint does', async () => {
      const ok = await startDeviceAuthorization(
        t.app,
        { scope: 'orders' },
        basic(tv.client.clientId, tv.secret),
      );
      expect(ok.status).toBe(200);
      const wrong = await startDeviceAuthorization(
        t.app,
        {},
        basic(tv.client.clientId, 'not-the-secret'),
      );
      expect(wrong.status).toBe(401);
      expect(wrong.body.error).toBe('invalid_client');
      expect(wrong.headers['www-authenticate']).toMatch(/^Basic/);
      // A confidential client without its secret is not authenticated.
      const noSecret = await startDeviceAuthorization(t.app, { client_id: tv.client.clientId });
      expect(noSecret.status).toBe(401);
    });

    it('answers unknown clients, clients without the grant and bad scope with RFC errors', async () => {
      const unknown = await startDeviceAuthorization(t.app, { client_id: 'nobody' });
      expect(unknown.status).toBe(401);
      expect(unknown.body.error).toBe('invalid_client');
      const noClient = await startDeviceAuthorization(t.app, { scope: 'orders' });
      expect(noClient.status).toBe(401);
      const notListed = await startDeviceAuthorization(t.app, { client_id: passwordOnly.clientId });
      expect(notListed.status).toBe(400);
      expect(notListed.body.error).toBe('unauthorized_client');
      const tooMuch = await startDeviceAuthorization(t.app, {
        client_id: device.clientId,
        scope: 'orders admin',
      });
      expect(tooMuch.status).toBe(400);
      expect(tooMuch.body.error).toBe('invalid_scope');
      const malformed = await startDeviceAuthorization(t.app, {
        client_id: device.clientId,
        scope: 'orders "x"',
      });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error).toBe('invalid_scope');
    });

    it('is read like the token endpoint: POST only, form-urlencoded, flat', async () => {
      const server = t.app.getHttpServer();
      const get = await request(server).get('/oauth/device_authorization');
      expect(get.status).toBe(405);
      expect(get.headers.allow).toBe('POST');
      const json = await request(server)
        .post('/oauth/device_authorization')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ client_id: device.clientId }));
      expect(json.status).toBe(400);
      expect(json.body.error).toBe('invalid_request');
      const repeated = await request(server)
        .post('/oauth/device_authorization')
        .type('form')
        .send(`client_id=${device.clientId}&scope=orders&scope=profile`);
      expect(repeated.status).toBe(400);
      expect(repeated.body.error).toBe('invalid_request');
      const inQuery = await request(server)
        .post(`/oauth/device_authorization?client_id=${device.clientId}`)
        .type('form')
        .send('scope=orders');
      expect(inQuery.status).toBe(400);
      expect(inQuery.body.error).toBe('invalid_request');
    });
  });

  describe('polling the token endpoint (§3.4–3.5)', () => {
    it('answers authorization_pending, then slow_down when too fast, growing 5 s each time', async () => {
      const { device_code: code } = (await start()) as { device_code: string };
      const first = await poll(code);
      expect(first.status).toBe(400);
      expect(first.body.error).toBe('authorization_pending');
      expect(first.headers['cache-control']).toBe('no-store');

      t.clock.advanceSeconds(3);
      const tooFast = await poll(code);
      expect(tooFast.status).toBe(400);
      expect(tooFast.body.error).toBe('slow_down');
      expect(tooFast.body.error_description).toContain('10 seconds');

      // 10 s after the last ACCEPTED poll (t=0): accepted, although the rejected one was at t=3.
      t.clock.advanceSeconds(7);
      expect((await poll(code)).body.error).toBe('authorization_pending');

      // t=15 and t=20 are both within the growing interval after t=10: 15 s, then 20 s.
      t.clock.advanceSeconds(5);
      const second = await poll(code);
      expect(second.body.error).toBe('slow_down');
      expect(second.body.error_description).toContain('15 seconds');
      t.clock.advanceSeconds(5);
      const third = await poll(code);
      expect(third.body.error).toBe('slow_down');
      expect(third.body.error_description).toContain('20 seconds');

      // t=30 is 20 s after t=10 (had the rejected t=20 poll moved the window, this would be slow_down).
      t.clock.advanceSeconds(10);
      expect((await poll(code)).body.error).toBe('authorization_pending');
      t.clock.advanceSeconds(19);
      expect((await poll(code)).body.error).toBe('slow_down');
    });

    it('collects an approved code at once, however fast the device polls', async () => {
      const { device_code: code } = (await start('orders profile')) as { device_code: string };
      const userId = await newUser();
      expect((await poll(code)).body.error).toBe('authorization_pending');
      expect((await poll(code)).body.error).toBe('slow_down');
      await approve(code, userId, 'orders');
      const res = await poll(code);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'orders' });
      expect(typeof res.body.access_token).toBe('string');
      // The client lists refresh_token.
      expect(typeof res.body.refresh_token).toBe('string');
      const me = await callApi(t.app, res.body.access_token as string);
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ userId, clientId: device.clientId, scope: ['orders'] });
    });

    it('issues no refresh token to a client that does not list refresh_token', async () => {
      const started = await startDeviceAuthorization(
        t.app,
        { scope: 'orders' },
        basic(tv.client.clientId, tv.secret),
      );
      const code = started.body.device_code as string;
      await approve(code, await newUser());
      const res = await pollToken(
        t.app,
        { device_code: code },
        basic(tv.client.clientId, tv.secret),
      );
      expect(res.status).toBe(200);
      expect(res.body.refresh_token).toBeUndefined();
    });

    it('answers access_denied after Deny, and keeps answering it', async () => {
      const { device_code: code } = (await start()) as { device_code: string };
      expect(await decide(t.app, t.clock, code, { outcome: 'denied' })).toBe(true);
      const res = await poll(code);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('access_denied');
      // Decided once: an approval afterwards is refused, and the answer stays.
      expect(
        await decide(t.app, t.clock, code, { outcome: 'approved', userId: 'x', scope: '' }),
      ).toBe(false);
      expect((await poll(code)).body.error).toBe('access_denied');
    });

    it('answers expired_token once the code expired, pending or approved but not collected', async () => {
      const pending = (await start()).device_code as string;
      const approved = (await start()).device_code as string;
      await approve(approved, await newUser());
      t.clock.advanceSeconds(600);
      for (const code of [pending, approved]) {
        const res = await poll(code);
        expect(res.status).toBe(400);
        expect(res.body.error).toBe('expired_token');
      }
      // Nothing expired can be approved either.
      expect(
        await decide(t.app, t.clock, pending, { outcome: 'approved', userId: 'x', scope: '' }),
      ).toBe(false);
    });

    it('refuses a missing device_code (invalid_request) and an unknown one (invalid_grant)', async () => {
      const missing = await pollToken(t.app, { client_id: device.clientId });
      expect(missing.status).toBe(400);
      expect(missing.body.error).toBe('invalid_request');
      const unknown = await poll('not-a-device-code');
      expect(unknown.status).toBe(400);
      expect(unknown.body.error).toBe('invalid_grant');
    });

    it('refuses the grant to a client that does not list it (unauthorized_client)', async () => {
      const { device_code: code } = (await start()) as { device_code: string };
      const res = await poll(code, passwordOnly.clientId);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('unauthorized_client');
    });
  });

  describe('binding and single use', () => {
    it("refuses another client's device code without moving its polling state or using it up", async () => {
      const { device_code: code } = (await start()) as { device_code: string };
      const other = () =>
        pollToken(t.app, { device_code: code }, basic(tv.client.clientId, tv.secret));
      expect((await poll(code)).body.error).toBe('authorization_pending');
      t.clock.advanceSeconds(1);
      const cross = await other();
      expect(cross.status).toBe(400);
      expect(cross.body.error).toBe('invalid_grant');
      // Had the foreign poll counted, this would be slow_down (window 10 s from t=1).
      t.clock.advanceSeconds(4);
      expect((await poll(code)).body.error).toBe('authorization_pending');

      await approve(code, await newUser());
      expect((await other()).body.error).toBe('invalid_grant');
      const mine = await poll(code);
      expect(mine.status).toBe(200);
      expect((await callApi(t.app, mine.body.access_token as string)).status).toBe(200);
    });

    it('gives tokens to exactly one of 8 concurrent polls; the others revoke them', async () => {
      const { device_code: code } = (await start()) as { device_code: string };
      await approve(code, await newUser());
      const answers = await Promise.all(Array.from({ length: 8 }, () => poll(code)));
      const ok = answers.filter((res) => res.status === 200);
      expect(ok).toHaveLength(1);
      const refused = answers.filter((res) => res.status !== 200);
      expect(refused.map((res) => [res.status, res.body.error])).toEqual(
        Array.from({ length: 7 }, () => [400, 'invalid_grant']),
      );
      // A second redemption revokes what the code issued, whatever the interleaving.
      expect((await callApi(t.app, ok[0].body.access_token as string)).status).toBe(401);
    });

    it('answers a second redemption with invalid_grant and revokes the issued tokens', async () => {
      const { device_code: code } = (await start()) as { device_code: string };
      await approve(code, await newUser());
      const first = await poll(code);
      expect(first.status).toBe(200);
      const access = first.body.access_token as string;
      expect((await callApi(t.app, access)).status).toBe(200);

      t.clock.advanceSeconds(5);
      const second = await poll(code);
      expect(second.status).toBe(400);
      expect(second.body.error).toBe('invalid_grant');
      expect((await callApi(t.app, access)).status).toBe(401);
      const refreshed = await refreshGrant(
        t.app,
        device.clientId,
        first.body.refresh_token as string,
      );
      expect(refreshed.status).toBe(400);
      expect(refreshed.body.error).toBe('invalid_grant');
      // Still a reuse after the code's expiry (not expired_token).
      t.clock.advanceSeconds(600);
      expect((await poll(code)).body.error).toBe('invalid_grant');
    });

    it('gives nothing to a user disabled or deleted after approval (docs/security.md 32)', async () => {
      const disabled = await newUser();
      const deleted = await newUser();
      const first = (await start()).device_code as string;
      const second = (await start()).device_code as string;
      await approve(first, disabled);
      await approve(second, deleted);
      await t.users.update(disabled, { disabled: true });
      await t.users.delete(deleted);
      for (const code of [first, second]) {
        const res = await poll(code);
        expect(res.status).toBe(400);
        expect(res.body.error).toBe('invalid_grant');
      }
    });
  });

  it('publishes the endpoint and the grant in the metadata (RFC 8628 §4)', async () => {
    const res = await request(withIssuer.app.getHttpServer()).get(
      '/.well-known/oauth-authorization-server',
    );
    expect(res.status).toBe(200);
    expect(res.body.device_authorization_endpoint).toBe(`${ISSUER}/oauth/device_authorization`);
    expect(res.body.grant_types_supported).toContain(DEVICE_CODE_GRANT_TYPE);
  });
});

describe.each(PLATFORMS)(
  'the device flow disabled (deviceAuthorizationPath: false) on %s',
  (platform) => {
    let t: AuthorizationApp;

    beforeAll(async () => {
      t = await startAuthorizationApp({ deviceAuthorizationPath: false }, platform);
    });

    afterAll(async () => {
      await t?.close();
    });

    it('mounts no endpoint, advertises nothing, and refuses the grant as unsupported', async () => {
      const { client } = await t.clients.create({
        clientName: 'TV app',
        clientType: 'public',
        grantTypes: [DEVICE_CODE_GRANT_TYPE],
        scope: 'orders',
      });
      const started = await startDeviceAuthorization(t.app, { client_id: client.clientId });
      expect(started.status).toBe(404);
      const metadata = await request(t.app.getHttpServer()).get(
        '/.well-known/oauth-authorization-server',
      );
      expect(metadata.body.device_authorization_endpoint).toBeUndefined();
      expect(metadata.body.grant_types_supported).not.toContain(DEVICE_CODE_GRANT_TYPE);
      const polled = await pollToken(t.app, { client_id: client.clientId, device_code: 'x' });
      expect(polled.status).toBe(400);
      expect(polled.body.error).toBe('unsupported_grant_type');
    });
  },
);
