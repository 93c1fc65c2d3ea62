import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { parse as parseQueryString } from 'node:querystring';
import request from 'supertest';
import { digest } from '../../src/crypto/digest.js';
import { StorageUnavailableError } from '../../src/storage/storage.errors.js';
import { INVALID_CREDENTIALS } from '../../src/token/grants/password.grant.js';
import { INVALID_REFRESH_TOKEN } from '../../src/token/grants/refresh-token.grant.js';
import { mountController } from '../../src/mount-controller.js';
import { TokenController } from '../../src/token/token.controller.js';
import {
  basic,
  createClient,
  createPlatformApp,
  openTokenBackend,
  PLATFORMS,
  tokenTestingModule,
  type BackendKind,
  type Platform,
  type TokenBackend,
} from './token-testing.js';

const PATH = '/oauth/token';
const ERROR_URI = 'https://docs.example.com/oauth-errors';
const REALM = 'e2e-realm';
const CHALLENGE = `Basic realm="${REALM}", charset="UTF-8"`;

type TestResponse = request.Response;

function expectNoStore(res: TestResponse): void {
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers.pragma).toBe('no-cache');
  expect(res.headers['content-type']).toMatch(/^application\/json/);
}

function expectError(res: TestResponse, status: number, error: string): void {
  expect(res.status).toBe(status);
  expectNoStore(res);
  expect(res.body.error).toBe(error);
  expect(res.body.access_token).toBeUndefined();
  expect(res.text).not.toMatch(/\bat \w+ \(/); // no stack trace
}

describe.each(PLATFORMS)('on %s', (platform) => {
  describe.each<BackendKind>(['memory', 'mongo+redis'])(
    'POST %s token endpoint (docs/security.md 1–7, 19–22)',
    (kind) => {
      let backend: TokenBackend;
      let app: INestApplication;
      let confidential: { clientId: string; clientSecret?: string };
      let publicClient: { clientId: string };
      let passwordOnly: { clientId: string; clientSecret?: string };
      let refreshOnly: { clientId: string; clientSecret?: string };

      beforeAll(async () => {
        backend = await openTokenBackend(kind, `token_e2e_${kind}`, {
          accessTokenTtl: 600,
          refreshTokenTtl: 3600,
          errorUri: ERROR_URI,
          realm: REALM,
        });
        app = await compileApp(backend, platform);
        confidential = await createClient(backend.clients);
        publicClient = await createClient(backend.clients, { clientType: 'public' });
        passwordOnly = await createClient(backend.clients, { grantTypes: ['password'] });
        refreshOnly = await createClient(backend.clients, { grantTypes: ['refresh_token'] });
        await backend.users.create({ username: 'alice', password: 'wonderland' });
        await backend.users.create({ username: 'reader', password: 'books', scope: 'read' });
      });

      afterAll(async () => {
        await app?.close();
        await backend?.close();
      });

      afterEach(() => {
        jest.restoreAllMocks();
      });

      const post = () => request(app.getHttpServer()).post(PATH);
      const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
      /** Alice's password-grant form, plus `extra` (client credentials, scope…). */
      const aliceForm = (extra: Record<string, string> = {}) =>
        form({ grant_type: 'password', username: 'alice', password: 'wonderland', ...extra });
      const asConfidential = () => basic(confidential.clientId, confidential.clientSecret);
      const passwordLogin = (extra: Record<string, string> = {}) =>
        post().set('Authorization', asConfidential()).type('form').send(aliceForm(extra));
      const refreshWith = (token: string, extra: Record<string, string> = {}) =>
        post()
          .set('Authorization', asConfidential())
          .type('form')
          .send(form({ grant_type: 'refresh_token', refresh_token: token, ...extra }));

      describe('success (docs/security.md 3)', () => {
        it('answers the password grant with 200, Bearer JSON and no-store', async () => {
          const res = await passwordLogin();
          expect(res.status).toBe(200);
          expectNoStore(res);
          expect(Object.keys(res.body).sort()).toEqual(
            ['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type'].sort(),
          );
          expect(res.body).toMatchObject({
            token_type: 'Bearer',
            expires_in: 600,
            scope: 'read write',
          });
          const record = await backend.tokens.findByAccessDigest(digest(res.body.access_token));
          expect(record).not.toBeNull();
        });

        it('accepts client_secret_post and a charset parameter', async () => {
          const res = await post()
            .set('Content-Type', 'application/x-www-form-urlencoded; charset=UTF-8')
            .send(
              aliceForm({
                client_id: confidential.clientId,
                client_secret: confidential.clientSecret!,
              }),
            );
          expect(res.status).toBe(200);
        });

        it('authenticates a public client by client_id alone', async () => {
          const res = await post()
            .type('form')
            .send(
              aliceForm({
                client_id: publicClient.clientId,
              }),
            );
          expect(res.status).toBe(200);
        });

        it('issues no refresh token to a client that does not list refresh_token', async () => {
          const res = await post()
            .set('Authorization', basic(passwordOnly.clientId, passwordOnly.clientSecret))
            .type('form')
            .send(aliceForm());
          expect(res.status).toBe(200);
          expect(res.body.refresh_token).toBeUndefined();
        });

        it('gives two logins two working tokens (no one-token-per-user)', async () => {
          const [a, b] = [await passwordLogin(), await passwordLogin()];
          expect(a.body.access_token).not.toBe(b.body.access_token);
          for (const res of [a, b]) {
            const record = await backend.tokens.findByAccessDigest(digest(res.body.access_token));
            expect(record!.revoked).toBe(false);
          }
        });
      });

      describe('method and media type (docs/security.md 1)', () => {
        it.each(['get', 'put', 'patch', 'delete'] as const)(
          '%s → 405 with Allow: POST and an OAuth error',
          async (method) => {
            const res = await request(app.getHttpServer())[method](PATH);
            expectError(res, 405, 'invalid_request');
            expect(res.headers.allow).toBe('POST');
          },
        );

        it('refuses a JSON body with 400 invalid_request', async () => {
          const res = await post()
            .set('Authorization', asConfidential())
            .send({ grant_type: 'password', username: 'alice', password: 'wonderland' });
          expectError(res, 400, 'invalid_request');
          expect(res.body.error_description).toBe(
            'Content-Type must be application/x-www-form-urlencoded',
          );
        });

        it('refuses a text/plain body with 400 invalid_request', async () => {
          const res = await post().set('Content-Type', 'text/plain').send('grant_type=password');
          expectError(res, 400, 'invalid_request');
        });

        it.each([
          'password',
          'client_secret',
          'refresh_token',
          'username',
          'client_id',
          'grant_type',
        ])('refuses %s in the query string', async (name) => {
          const res = await post()
            .query({ [name]: 'x' })
            .set('Authorization', asConfidential())
            .type('form')
            .send(aliceForm());
          expectError(res, 400, 'invalid_request');
        });

        it('refuses a body over 64 KiB with 413 before any hashing', async () => {
          const verify = jest.spyOn(backend.users, 'verifyCredentials');
          const res = await post()
            .set('Authorization', asConfidential())
            .type('form')
            .send(
              form({ grant_type: 'password', username: 'alice', password: 'x'.repeat(70_000) }),
            );
          expectError(res, 413, 'invalid_request');
          expect(verify).not.toHaveBeenCalled();
        });
      });

      describe('flat parameters (docs/security.md 2)', () => {
        it.each([
          ['password[$ne]=x', 'username=alice&password[$ne]=x&grant_type=password'],
          ['username[$gt]=', 'username[$gt]=&password=wonderland&grant_type=password'],
          ['password[$regex]=.*', 'username=alice&password[$regex]=.*&grant_type=password'],
        ])('refuses the operator body %s without issuing a token', async (_label, body) => {
          const verify = jest.spyOn(backend.users, 'verifyCredentials');
          const res = await post().set('Authorization', asConfidential()).type('form').send(body);
          expectError(res, 400, 'invalid_request');
          expect(verify).not.toHaveBeenCalled();
        });

        it('refuses a parameter given twice, naming it', async () => {
          const res = await post()
            .set('Authorization', asConfidential())
            .type('form')
            .send('grant_type=password&username=alice&username=bob&password=wonderland');
          expectError(res, 400, 'invalid_request');
          expect(res.body.error_description).toBe('Parameter username is repeated');
        });

        it('treats an empty value as omitted', async () => {
          const res = await passwordLogin({ scope: '' });
          expect(res.status).toBe(200);
          expect(res.body.scope).toBe('read write');
        });

        it('ignores unknown parameters', async () => {
          expect((await passwordLogin({ foo: 'bar' })).status).toBe(200);
        });
      });

      describe('client authentication (docs/security.md 4, 5)', () => {
        it('refuses a wrong Basic secret with 401 and WWW-Authenticate', async () => {
          const res = await post()
            .set('Authorization', basic(confidential.clientId, 'wrong'))
            .type('form')
            .send(aliceForm());
          expectError(res, 401, 'invalid_client');
          expect(res.headers['www-authenticate']).toBe(CHALLENGE);
          expect(res.body.error_uri).toBe(ERROR_URI);
        });

        it('refuses a wrong posted secret with 401 and no challenge', async () => {
          const res = await post()
            .type('form')
            .send(
              form({
                grant_type: 'password',
                client_id: confidential.clientId,
                client_secret: 'wrong',
              }),
            );
          expectError(res, 401, 'invalid_client');
          expect(res.headers['www-authenticate']).toBeUndefined();
        });

        it.each([
          ['bad base64', 'Basic %%%'],
          ['no colon', `Basic ${Buffer.from('abc').toString('base64')}`],
          ['bad percent-encoding', `Basic ${Buffer.from('%zz:%').toString('base64')}`],
          ['another scheme', 'Bearer abc'],
        ])('refuses a malformed Basic header (%s) with 401, never 500', async (_label, header) => {
          const res = await post()
            .set('Authorization', header)
            .type('form')
            .send(form({ grant_type: 'password' }));
          expectError(res, 401, 'invalid_client');
          expect(res.headers['www-authenticate']).toBe(CHALLENGE);
        });

        it('refuses Basic and client_secret_post at once with 400 invalid_request', async () => {
          const res = await post()
            .set('Authorization', asConfidential())
            .type('form')
            .send(
              aliceForm({
                client_id: confidential.clientId,
                client_secret: confidential.clientSecret!,
              }),
            );
          expectError(res, 400, 'invalid_request');
        });

        it('refuses a request without any client_id with 401 invalid_client', async () => {
          const res = await post().type('form').send(aliceForm());
          expectError(res, 401, 'invalid_client');
        });

        it('refuses a public client that sends a secret', async () => {
          const res = await post()
            .type('form')
            .send(
              aliceForm({
                client_id: publicClient.clientId,
                client_secret: 'made-up',
              }),
            );
          expectError(res, 401, 'invalid_client');
        });
      });

      describe('grant errors (docs/security.md 4, 6)', () => {
        it('gives byte-identical invalid_grant for an unknown user and a wrong password', async () => {
          const unknown = await passwordLogin({ username: 'mallory' });
          const wrong = await passwordLogin({ password: 'wrong' });
          expectError(unknown, 400, 'invalid_grant');
          expect(unknown.text).toBe(wrong.text);
          expect(wrong.body).toEqual({
            error: 'invalid_grant',
            error_description: INVALID_CREDENTIALS,
            error_uri: ERROR_URI,
          });
        });

        it('answers a missing password with invalid_request', async () => {
          const res = await post()
            .set('Authorization', asConfidential())
            .type('form')
            .send(form({ grant_type: 'password', username: 'alice' }));
          expectError(res, 400, 'invalid_request');
        });

        it('answers a missing grant_type with invalid_request', async () => {
          const res = await post().set('Authorization', asConfidential()).type('form').send('');
          expectError(res, 400, 'invalid_request');
        });

        it('answers an unknown grant_type with unsupported_grant_type', async () => {
          const res = await post()
            .set('Authorization', asConfidential())
            .type('form')
            .send(form({ grant_type: 'implicit', code: 'x' }));
          expectError(res, 400, 'unsupported_grant_type');
        });

        it('refuses ROPC for a client that does not list it with unauthorized_client', async () => {
          const res = await post()
            .set('Authorization', basic(refreshOnly.clientId, refreshOnly.clientSecret))
            .type('form')
            .send(aliceForm());
          expectError(res, 400, 'unauthorized_client');
        });

        it('refuses a scope beyond the client or user with invalid_scope', async () => {
          expectError(await passwordLogin({ scope: 'admin' }), 400, 'invalid_scope');
          const res = await passwordLogin({
            username: 'reader',
            password: 'books',
            scope: 'write',
          });
          expectError(res, 400, 'invalid_scope');
        });
      });

      describe('refresh (docs/security.md 6, 9, 19)', () => {
        it('rotates, narrows, and refuses to widen', async () => {
          const login = await passwordLogin();
          const narrowed = await refreshWith(login.body.refresh_token, { scope: 'read' });
          expect(narrowed.status).toBe(200);
          expectNoStore(narrowed);
          expect(narrowed.body.scope).toBe('read');
          expect(narrowed.body.refresh_token).not.toBe(login.body.refresh_token);
          const wider = await refreshWith(narrowed.body.refresh_token, { scope: 'read write' });
          expectError(wider, 400, 'invalid_scope');
        });

        it('outlives the access token and dies with its own expiry (fake clock)', async () => {
          const login = await passwordLogin();
          const record = await backend.tokens.findByAccessDigest(digest(login.body.access_token));
          expect(record!.accessExpiresAt.getTime()).toBe(backend.clock.now() + 600_000);
          backend.clock.advanceSeconds(601); // access token expired
          const next = await refreshWith(login.body.refresh_token);
          expect(next.status).toBe(200);
          backend.clock.advanceSeconds(3600); // refresh token expired
          const late = await refreshWith(next.body.refresh_token);
          expectError(late, 400, 'invalid_grant');
          expect(late.body.error_description).toBe(INVALID_REFRESH_TOKEN);
        });

        it('refuses a refresh token from another client without burning it', async () => {
          const login = await passwordLogin();
          const foreign = await post()
            .type('form')
            .send(
              form({
                grant_type: 'refresh_token',
                refresh_token: login.body.refresh_token,
                client_id: publicClient.clientId,
              }),
            );
          expectError(foreign, 400, 'invalid_grant');
          expect((await refreshWith(login.body.refresh_token)).status).toBe(200);
        });

        it('revokes the family on reuse: store revoked AND cache tombstoned', async () => {
          const login = await passwordLogin();
          const second = await refreshWith(login.body.refresh_token);
          expect(second.status).toBe(200);
          const reuse = await refreshWith(login.body.refresh_token);
          expectError(reuse, 400, 'invalid_grant');
          const key = digest(second.body.access_token);
          expect((await backend.tokens.findByAccessDigest(key))!.revoked).toBe(true);
          expect(await backend.cache.get(key)).toEqual({ revoked: true });
          expectError(await refreshWith(second.body.refresh_token), 400, 'invalid_grant');
        });

        it('lets exactly one of 10 concurrent refreshes with one token get 200', async () => {
          const login = await passwordLogin();
          const responses = await Promise.all(
            Array.from({ length: 10 }, () => refreshWith(login.body.refresh_token)),
          );
          const statuses = responses.map((res) => res.status).sort();
          expect(statuses).toEqual([200, 400, 400, 400, 400, 400, 400, 400, 400, 400]);
          for (const res of responses.filter((r) => r.status !== 200)) {
            expect(res.body.error).toBe('invalid_grant');
          }
        });
      });

      describe('faults (docs/security.md 18, 19, 22)', () => {
        it('answers 503 temporarily_unavailable with Retry-After when storage is down', async () => {
          jest
            .spyOn(backend.tokens, 'insert')
            .mockRejectedValueOnce(new StorageUnavailableError('down'));
          const res = await passwordLogin();
          expectError(res, 503, 'temporarily_unavailable');
          expect(res.headers['retry-after']).toBe('5');
        });

        it('answers an unexpected error with a bare 500 and logs no secret', async () => {
          const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
          jest.spyOn(backend.tokens, 'insert').mockRejectedValueOnce(new Error('kaboom'));
          const res = await passwordLogin();
          expect(res.status).toBe(500);
          expectNoStore(res);
          expect(res.text).toBe('{"error":"server_error"}');
          const log = JSON.stringify(logged.mock.calls);
          expect(log).toContain('kaboom');
          expect(log).not.toContain('wonderland');
          expect(log).not.toContain(confidential.clientSecret);
          expect(log).not.toContain(asConfidential());
        });

        it('still issues the token when the cache write fails (docs/security.md 17)', async () => {
          jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
          jest.spyOn(backend.cache, 'add').mockRejectedValueOnce(new Error('cache down'));
          const res = await passwordLogin();
          expect(res.status).toBe(200);
          expect(
            await backend.tokens.findByAccessDigest(digest(res.body.access_token)),
          ).not.toBeNull();
        });
      });
    },
  );

  describe.each(bodyParsing(platform))(
    'token endpoint form reading with %s (docs/security.md 2)',
    (_label, appOptions, configure) => {
      let backend: TokenBackend;
      let app: INestApplication;
      let client: { clientId: string; clientSecret?: string };

      beforeAll(async () => {
        backend = await openTokenBackend('memory', 'token_e2e_body');
        app = await compileApp(backend, platform, appOptions, configure);
        client = await createClient(backend.clients);
        await backend.users.create({ username: 'alice', password: 'wonderland' });
      });

      afterAll(async () => {
        await app?.close();
        await backend?.close();
      });

      const send = (body: string, contentType = 'application/x-www-form-urlencoded') =>
        request(app.getHttpServer())
          .post(PATH)
          .set('Authorization', basic(client.clientId, client.clientSecret))
          .set('Content-Type', contentType)
          .send(body);

      it('reads a well-formed form', async () => {
        const res = await send('grant_type=password&username=alice&password=wonderland');
        expect(res.status).toBe(200);
      });

      it.each([
        'grant_type=password&username=alice&password[$ne]=x',
        'grant_type=password&username[$gt]=&password=wonderland',
        'grant_type=password&username=alice&password=wonderland&password=other',
        'grant_type=password&username=alice&password[]=wonderland',
      ])('never issues a token for %s', async (body) => {
        const res = await send(body);
        expectError(res, 400, 'invalid_request');
      });

      it('refuses a JSON body', async () => {
        const body = JSON.stringify({ grant_type: 'password', username: 'alice', password: 'x' });
        expectError(await send(body, 'application/json'), 400, 'invalid_request');
      });

      it('answers a chunked body over 64 KiB with 413, without resetting the connection', async () => {
        const res = await postChunked(app, 'grant_type=password&password=' + 'x'.repeat(80_000));
        expect(res.status).toBe(413);
        expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_request' });
        expect(res.headers['cache-control']).toBe('no-store');
      });
    },
  );
});

/** POSTs `body` with Transfer-Encoding: chunked (no Content-Length) through Node's http client. */
async function postChunked(
  app: INestApplication,
  body: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const server = app.getHttpServer() as import('node:http').Server;
  if (!server.listening)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as import('node:net').AddressInfo;
  const { request: httpRequest } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: PATH,
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Connection: 'close' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
        );
      },
    );
    req.on('error', reject);
    for (let i = 0; i < body.length; i += 8192) req.write(body.slice(i, i + 8192));
    req.end();
  });
}

async function compileApp(
  backend: TokenBackend,
  platform: Platform,
  appOptions: object = {},
  configure?: (app: INestApplication) => void,
): Promise<INestApplication> {
  const moduleRef = await tokenTestingModule(backend, [
    mountController(TokenController, PATH),
  ]).compile();
  return createPlatformApp(moduleRef, platform, { logger: false, ...appOptions }, configure);
}

type BodyParsing = [string, object, ((app: INestApplication) => void)?];

/**
 * How the host app may parse bodies on each platform. Express: its default (qs, extended),
 * `rawBody`, or no parser at all (the reader reads the stream). Fastify: its default
 * (@fastify/formbody), `rawBody`, or `bodyParser: false` with a form parser of the host's own —
 * without any, Fastify itself refuses every form with 415 before a route runs.
 */
function bodyParsing(platform: Platform): BodyParsing[] {
  if (platform === 'express') {
    return [
      ['the default body parser (qs, extended: true)', {}],
      ['rawBody: true', { rawBody: true }],
      ['bodyParser: false', { bodyParser: false }],
    ];
  }
  return [
    ['the default body parser (@fastify/formbody)', {}],
    ['rawBody: true', { rawBody: true }],
    [
      "bodyParser: false and the host's own form parser",
      { bodyParser: false },
      (app) =>
        (app as NestFastifyApplication)
          .getHttpAdapter()
          .getInstance()
          .addContentTypeParser(
            'application/x-www-form-urlencoded',
            { parseAs: 'string' },
            (_request, body, done) => done(null, parseQueryString(body as string)),
          ),
    ],
  ];
}
