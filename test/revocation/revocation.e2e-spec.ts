import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import request from 'supertest';
import { CacheUnavailableError } from '../../src/cache/cache.errors.js';
import { digest } from '../../src/crypto/digest.js';
import { StorageUnavailableError } from '../../src/index.js';
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
} from './protocol-testing.js';

const REVOKE = '/oauth/revoke';
const USER = { username: 'alice', password: 'correct horse battery staple' };

type TestResponse = request.Response;

function expectRevoked200(res: TestResponse): void {
  expect(res.status).toBe(200);
  // RFC 7009 §2.2 lets the body be anything; `{}` as JSON is what every common client accepts.
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body).toEqual({});
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers.pragma).toBe('no-cache');
}

function expectError(res: TestResponse, status: number, error: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body.error).toBe(error);
  expect(res.text).not.toMatch(/\bat \w+ \(/);
}

describe.each(BACKENDS)('POST /oauth/revoke (RFC 7009) on %s', (_name, backend) => {
  let t: ProtocolApp;
  let web: TestClient;
  let other: TestClient;
  let mobile: TestClient;

  beforeAll(async () => {
    t = await startProtocolApp(backend('revoke'));
    await t.users.create(USER);
    web = await createTestClient(t.clients);
    other = await createTestClient(t.clients);
    mobile = await createTestClient(t.clients, { clientType: 'public' });
  });

  afterAll(async () => {
    await t?.close();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  const signIn = (client: TestClient = web) => login(t.app, client, USER.username, USER.password);
  const revoke = (client: TestClient | undefined, fields: Record<string, string>) =>
    postForm(t.app, REVOKE, client, fields);

  describe('access tokens', () => {
    it('revokes with 200 and the JSON body {}; the guard refuses the token at once', async () => {
      const tokens = await signIn();
      await callApi(t.app, tokens.access_token).expect(200);

      expectRevoked200(await revoke(web, { token: tokens.access_token }));

      const refused = await callApi(t.app, tokens.access_token);
      expect(refused.status).toBe(401);
      expect(refused.headers['www-authenticate']).toContain('error="invalid_token"');
      const key = digest(tokens.access_token);
      expect((await t.tokens.findByAccessDigest(key))!.revoked).toBe(true);
      expect(await t.cache.get(key)).toEqual({ revoked: true });
    });

    it('also ends the refresh token issued with it (RFC 7009 §2.1 MAY)', async () => {
      const tokens = await signIn();
      expectRevoked200(await revoke(web, { token: tokens.access_token }));
      const res = await refresh(t.app, web, tokens.refresh_token!);
      expectError(res, 400, 'invalid_grant');
    });

    it('lets a public client revoke its own token with client_id alone (logout)', async () => {
      const tokens = await signIn(mobile);
      expectRevoked200(await revoke(mobile, { token: tokens.access_token }));
      await callApi(t.app, tokens.access_token).expect(401);
    });
  });

  describe('refresh tokens', () => {
    it('revokes the whole family: current access and refresh tokens die', async () => {
      const first = await signIn();
      const second = (await refresh(t.app, web, first.refresh_token!).expect(200)).body;
      await callApi(t.app, second.access_token).expect(200);

      expectRevoked200(await revoke(web, { token: second.refresh_token }));

      await callApi(t.app, second.access_token).expect(401);
      expectError(await refresh(t.app, web, second.refresh_token), 400, 'invalid_grant');
    });

    it('kills the family when logging out with an already rotated refresh token', async () => {
      const first = await signIn();
      const second = (await refresh(t.app, web, first.refresh_token!).expect(200)).body;

      expectRevoked200(
        await revoke(web, { token: first.refresh_token!, token_type_hint: 'refresh_token' }),
      );

      await callApi(t.app, second.access_token).expect(401);
      expect(await t.cache.get(digest(second.access_token))).toEqual({ revoked: true });
    });

    it('leaves other sessions of the same user alone', async () => {
      const phone = await signIn();
      const laptop = await signIn();
      expectRevoked200(await revoke(web, { token: phone.refresh_token! }));
      await callApi(t.app, phone.access_token).expect(401);
      await callApi(t.app, laptop.access_token).expect(200);
    });
  });

  describe('token_type_hint', () => {
    it('extends the search past a wrong hint', async () => {
      const tokens = await signIn();
      expectRevoked200(
        await revoke(web, { token: tokens.access_token, token_type_hint: 'refresh_token' }),
      );
      await callApi(t.app, tokens.access_token).expect(401);
    });

    it('ignores an unknown hint instead of answering unsupported_token_type', async () => {
      const tokens = await signIn();
      expectRevoked200(
        await revoke(web, { token: tokens.access_token, token_type_hint: 'id_token' }),
      );
      await callApi(t.app, tokens.access_token).expect(401);
    });
  });

  describe('tokens the client cannot or need not revoke (docs/security.md 10)', () => {
    it('answers 200 for an unknown token', async () => {
      expectRevoked200(await revoke(web, { token: 'never-issued-token' }));
    });

    it('answers 200 for an already revoked token', async () => {
      const tokens = await signIn();
      expectRevoked200(await revoke(web, { token: tokens.access_token }));
      expectRevoked200(await revoke(web, { token: tokens.access_token }));
    });

    it('answers 200 to another client and changes nothing', async () => {
      const tokens = await signIn();
      const unknown = await revoke(other, { token: 'never-issued-token' });
      const foreignAccess = await revoke(other, { token: tokens.access_token });
      const foreignRefresh = await revoke(other, { token: tokens.refresh_token! });
      expectRevoked200(foreignAccess);
      expectRevoked200(foreignRefresh);
      expect(foreignAccess.text).toBe(unknown.text);

      await callApi(t.app, tokens.access_token).expect(200);
      const key = digest(tokens.access_token);
      expect((await t.tokens.findByAccessDigest(key))!.revoked).toBe(false);
      await refresh(t.app, web, tokens.refresh_token!).expect(200);
    });

    it('answers 200 for a digest presented as a token, revoking nothing', async () => {
      const tokens = await signIn();
      expectRevoked200(await revoke(web, { token: digest(tokens.access_token) }));
      await callApi(t.app, tokens.access_token).expect(200);
    });
  });

  describe('request errors (docs/security.md 1, 2, 5)', () => {
    it('answers a missing token with 400 invalid_request', async () => {
      const res = await revoke(web, {});
      expectError(res, 400, 'invalid_request');
      expect(res.body.error_description).toBe('Missing parameter: token');
    });

    it('answers an empty token as a missing one', async () => {
      expectError(await revoke(web, { token: '' }), 400, 'invalid_request');
    });

    it('refuses a request without client authentication with 401 invalid_client', async () => {
      const tokens = await signIn();
      expectError(await revoke(undefined, { token: tokens.access_token }), 401, 'invalid_client');
      await callApi(t.app, tokens.access_token).expect(200);
    });

    it('refuses a wrong secret with 401 and a Basic challenge, revoking nothing', async () => {
      const tokens = await signIn();
      const res = await revoke(
        { ...web, auth: `Basic ${Buffer.from(`${web.clientId}:wrong`).toString('base64')}` },
        { token: tokens.access_token },
      );
      expectError(res, 401, 'invalid_client');
      expect(res.headers['www-authenticate']).toBe('Basic realm="protocol-e2e", charset="UTF-8"');
      await callApi(t.app, tokens.access_token).expect(200);
    });

    it.each(['get', 'put', 'patch', 'delete'] as const)('%s → 405 with Allow: POST', async (m) => {
      const res = await request(t.app.getHttpServer())[m](REVOKE);
      expectError(res, 405, 'invalid_request');
      expect(res.headers.allow).toBe('POST');
    });

    it('refuses a JSON body with 400', async () => {
      const tokens = await signIn();
      const res = await request(t.app.getHttpServer())
        .post(REVOKE)
        .set('Authorization', web.auth)
        .send({ token: tokens.access_token });
      expectError(res, 400, 'invalid_request');
      await callApi(t.app, tokens.access_token).expect(200);
    });

    it('refuses the token in the query string', async () => {
      const tokens = await signIn();
      const res = await request(t.app.getHttpServer())
        .post(REVOKE)
        .query({ token: tokens.access_token })
        .set('Authorization', web.auth)
        .type('form')
        .send('');
      expectError(res, 400, 'invalid_request');
      await callApi(t.app, tokens.access_token).expect(200);
    });

    it('refuses a token given twice and a bracketed token', async () => {
      const twice = await request(t.app.getHttpServer())
        .post(REVOKE)
        .set('Authorization', web.auth)
        .type('form')
        .send('token=a&token=b');
      expectError(twice, 400, 'invalid_request');
      const bracket = await request(t.app.getHttpServer())
        .post(REVOKE)
        .set('Authorization', web.auth)
        .type('form')
        .send('token[$ne]=x');
      expectError(bracket, 400, 'invalid_request');
    });
  });

  describe('faults (docs/security.md 9, 18)', () => {
    it('answers 503 with Retry-After when the store cannot be read; the token stays live', async () => {
      const tokens = await signIn();
      jest
        .spyOn(t.tokens, 'findByAccessDigest')
        .mockRejectedValueOnce(new StorageUnavailableError('down'));
      const res = await revoke(web, { token: tokens.access_token });
      expectError(res, 503, 'temporarily_unavailable');
      expect(res.headers['retry-after']).toBe('5');
      await callApi(t.app, tokens.access_token).expect(200);
    });

    it('answers 503 when the store cannot revoke', async () => {
      const tokens = await signIn();
      jest
        .spyOn(t.tokens, 'revokeFamily')
        .mockRejectedValueOnce(new StorageUnavailableError('down'));
      const res = await revoke(web, { token: tokens.refresh_token! });
      expectError(res, 503, 'temporarily_unavailable');
      await callApi(t.app, tokens.access_token).expect(200);
    });

    it('answers 503 when the cache cannot be told, and a retry completes the revocation', async () => {
      jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      const tokens = await signIn();
      await callApi(t.app, tokens.access_token).expect(200); // the cache holds a live entry
      jest.spyOn(t.cache, 'revoke').mockRejectedValueOnce(new CacheUnavailableError('down'));
      const failed = await revoke(web, { token: tokens.access_token });
      expectError(failed, 503, 'temporarily_unavailable');
      expect(failed.headers['retry-after']).toBe('5');

      // The store is already revoked, so the retry has nothing left to revoke there; it must
      // still tombstone the cached entry, or the guard would keep accepting the token.
      expectRevoked200(await revoke(web, { token: tokens.access_token }));
      expect(await t.cache.get(digest(tokens.access_token))).toEqual({ revoked: true });
      await callApi(t.app, tokens.access_token).expect(401);
    });

    it('logs neither the token nor the client secret', async () => {
      const logged = [
        jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined),
        jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined),
        jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined),
      ];
      const tokens = await signIn();
      jest.spyOn(t.cache, 'revoke').mockRejectedValueOnce(new CacheUnavailableError('down'));
      await revoke(web, { token: tokens.refresh_token! });
      const text = JSON.stringify(logged.map((spy) => spy.mock.calls));
      expect(text).not.toContain(tokens.refresh_token);
      expect(text).not.toContain(tokens.access_token);
      expect(text).not.toContain(web.clientSecret);
    });
  });
});
