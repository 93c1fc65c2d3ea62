import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import request from 'supertest';
import { digest } from '../../src/crypto/digest.js';
import { StorageUnavailableError, type SentinelModuleOptions } from '../../src/index.js';
import {
  BACKENDS,
  clientStoreBeforeStart,
  createTestClient,
  login,
  postForm,
  startProtocolApp,
  type ProtocolApp,
  type TestClient,
} from '../revocation/protocol-testing.js';

const INTROSPECT = '/oauth/introspect';
const INACTIVE = '{"active":false}';
const USER = { username: 'alice', password: 'correct horse battery staple' };

type TestResponse = request.Response;

function expectError(res: TestResponse, status: number, error: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.body.error).toBe(error);
  expect(res.body.active).toBeUndefined();
  expect(res.text).not.toMatch(/\bat \w+ \(/);
}

function expectInactive(res: TestResponse): void {
  expect(res.status).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.text).toBe(INACTIVE);
}

describe.each(BACKENDS)('POST /oauth/introspect (RFC 7662) on %s', (_name, backend) => {
  let t: ProtocolApp;
  let web: TestClient;
  let other: TestClient;
  let resourceServer: TestClient;
  let service: TestClient;
  let mobile: TestClient;
  let aliceId: string;
  let closeSeedStore: () => Promise<void>;

  beforeAll(async () => {
    const options: SentinelModuleOptions = backend('introspect');
    // The resource server's id goes into the options, so it exists before the app starts.
    const seedStore = await clientStoreBeforeStart(options);
    closeSeedStore = seedStore.close;
    resourceServer = await createTestClient(seedStore.store, { grantTypes: [], scope: '' });
    t = await startProtocolApp(
      { ...options, introspection: { resourceServers: [resourceServer.clientId] } },
      { clients: seedStore.override },
    );
    aliceId = (await t.users.create(USER)).id;
    web = await createTestClient(t.clients);
    other = await createTestClient(t.clients);
    service = await createTestClient(t.clients, {
      grantTypes: ['client_credentials'],
      scope: 'orders',
    });
    mobile = await createTestClient(t.clients, { clientType: 'public' });
  });

  afterAll(async () => {
    await t?.close();
    await closeSeedStore?.();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  const signIn = (client: TestClient = web) => login(t.app, client, USER.username, USER.password);
  const introspect = (client: TestClient | undefined, fields: Record<string, string>) =>
    postForm(t.app, INTROSPECT, client, fields);

  describe('live tokens', () => {
    it('describes a user token to the client it was issued to', async () => {
      const issuedAt = Math.floor(t.clock.now() / 1000);
      const tokens = await signIn();
      const res = await introspect(web, { token: tokens.access_token });
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.pragma).toBe('no-cache');
      expect(res.body).toEqual({
        active: true,
        scope: 'orders profile',
        client_id: web.clientId,
        username: USER.username,
        token_type: 'Bearer',
        exp: issuedAt + 600,
        iat: issuedAt,
        sub: aliceId,
      });
    });

    it('describes a client_credentials token without username or sub', async () => {
      const issued = await postForm(t.app, '/oauth/token', service, {
        grant_type: 'client_credentials',
      }).expect(200);
      const res = await introspect(service, { token: issued.body.access_token });
      expect(res.body).toEqual({
        active: true,
        scope: 'orders',
        client_id: service.clientId,
        token_type: 'Bearer',
        exp: expect.any(Number),
        iat: expect.any(Number),
      });
    });

    it('ignores token_type_hint, whatever its value', async () => {
      const tokens = await signIn();
      for (const hint of ['access_token', 'refresh_token', 'made_up']) {
        const res = await introspect(web, { token: tokens.access_token, token_type_hint: hint });
        expect(res.body.active).toBe(true);
      }
    });

    it('lets a listed resource server introspect any client’s token', async () => {
      const tokens = await signIn();
      const res = await introspect(resourceServer, { token: tokens.access_token });
      expect(res.body).toMatchObject({ active: true, client_id: web.clientId, sub: aliceId });
    });
  });

  describe('exactly {"active":false} for everything else (docs/security.md 11)', () => {
    it('for an unknown token', async () => {
      expectInactive(await introspect(web, { token: 'never-issued' }));
    });

    it('for another client’s token, unless the caller is a resource server', async () => {
      const tokens = await signIn();
      expectInactive(await introspect(other, { token: tokens.access_token }));
    });

    it('for a revoked token, at once', async () => {
      const tokens = await signIn();
      await postForm(t.app, '/oauth/revoke', web, { token: tokens.access_token }).expect(200);
      expectInactive(await introspect(web, { token: tokens.access_token }));
      expectInactive(await introspect(resourceServer, { token: tokens.access_token }));
    });

    it('for an expired token (fake clock)', async () => {
      const tokens = await signIn();
      t.clock.advanceSeconds(601);
      expectInactive(await introspect(web, { token: tokens.access_token }));
    });

    it('for a refresh token, even with the refresh_token hint', async () => {
      const tokens = await signIn();
      expectInactive(
        await introspect(web, { token: tokens.refresh_token!, token_type_hint: 'refresh_token' }),
      );
    });

    it('for a token whose user is disabled', async () => {
      const bob = await t.users.create({ username: 'bob', password: 'hunter2 hunter2' });
      const tokens = await login(t.app, web, 'bob', 'hunter2 hunter2');
      await t.users.update(bob.id, { disabled: true });
      expectInactive(await introspect(web, { token: tokens.access_token }));
    });

    it('for the stored digest presented as a token', async () => {
      const tokens = await signIn();
      expectInactive(await introspect(web, { token: digest(tokens.access_token) }));
    });
  });

  describe('client authentication (RFC 7662 §2.1)', () => {
    it('refuses a public client with 401 invalid_client', async () => {
      const tokens = await signIn(mobile);
      expectError(await introspect(mobile, { token: tokens.access_token }), 401, 'invalid_client');
    });

    it('refuses a public client presenting empty Basic credentials, with a challenge', async () => {
      const res = await request(t.app.getHttpServer())
        .post(INTROSPECT)
        .set('Authorization', `Basic ${Buffer.from(`${mobile.clientId}:`).toString('base64')}`)
        .type('form')
        .send('token=x');
      expectError(res, 401, 'invalid_client');
      expect(res.headers['www-authenticate']).toBe('Basic realm="protocol-e2e", charset="UTF-8"');
    });

    it('refuses a request without client authentication', async () => {
      expectError(await introspect(undefined, { token: 'x' }), 401, 'invalid_client');
    });

    it('refuses a wrong secret', async () => {
      const res = await postForm(t.app, INTROSPECT, undefined, {
        client_id: web.clientId,
        client_secret: 'wrong',
        token: 'x',
      });
      expectError(res, 401, 'invalid_client');
    });

    it('accepts client_secret_post', async () => {
      const tokens = await signIn();
      const res = await postForm(t.app, INTROSPECT, undefined, {
        client_id: web.clientId,
        client_secret: web.clientSecret!,
        token: tokens.access_token,
      });
      expect(res.body.active).toBe(true);
    });
  });

  describe('request errors (docs/security.md 1, 2)', () => {
    it('answers a missing token with 400 invalid_request', async () => {
      const res = await introspect(web, {});
      expectError(res, 400, 'invalid_request');
      expect(res.body.error_description).toBe('Missing parameter: token');
    });

    it.each(['get', 'put', 'patch', 'delete'] as const)('%s → 405 with Allow: POST', async (m) => {
      const res = await request(t.app.getHttpServer())[m](INTROSPECT);
      expectError(res, 405, 'invalid_request');
      expect(res.headers.allow).toBe('POST');
    });

    it('refuses the token in the query string and a JSON body', async () => {
      const query = await request(t.app.getHttpServer())
        .post(`${INTROSPECT}?token=abc`)
        .set('Authorization', web.auth)
        .type('form')
        .send('');
      expectError(query, 400, 'invalid_request');
      const json = await request(t.app.getHttpServer())
        .post(INTROSPECT)
        .set('Authorization', web.auth)
        .send({ token: 'abc' });
      expectError(json, 400, 'invalid_request');
    });
  });

  describe('faults (docs/security.md 18)', () => {
    it('answers 503, never active:false, when the token store is down', async () => {
      const tokens = await signIn();
      jest
        .spyOn(t.tokens, 'findByAccessDigest')
        .mockRejectedValueOnce(new StorageUnavailableError('down'));
      const res = await introspect(web, { token: tokens.access_token });
      expectError(res, 503, 'temporarily_unavailable');
      expect(res.headers['retry-after']).toBe('5');
    });

    it('answers 503 when the user store is down', async () => {
      const tokens = await signIn();
      jest.spyOn(t.users, 'findById').mockRejectedValueOnce(new StorageUnavailableError('down'));
      expectError(
        await introspect(web, { token: tokens.access_token }),
        503,
        'temporarily_unavailable',
      );
    });

    it('answers 500 without a body leak for an unexpected error', async () => {
      jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      jest.spyOn(t.tokens, 'findByAccessDigest').mockRejectedValueOnce(new Error('kaboom'));
      const res = await introspect(web, { token: 'x' });
      expect(res.status).toBe(500);
      expect(res.text).toBe('{"error":"server_error"}');
    });
  });
});

describe.each(BACKENDS)('introspection rate limit on %s (RFC 7662 §4)', (name, backend) => {
  let t: ProtocolApp;
  let scanner: TestClient;
  let neighbour: TestClient;
  let keyPrefix: string;

  beforeAll(async () => {
    const options = backend('introspect_limit');
    keyPrefix = options.keyPrefix ?? 'sentinel:';
    t = await startProtocolApp({
      ...options,
      introspection: { rateLimit: { limit: 3, windowSeconds: 60 } },
    });
    scanner = await createTestClient(t.clients);
    neighbour = await createTestClient(t.clients);
  });

  afterAll(async () => {
    await t?.close();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  const probe = (client: TestClient) =>
    postForm(t.app, INTROSPECT, client, { token: `guess-${Math.random()}` });

  /** Moves the fake clock to the start of the next 60 s window. */
  const nextWindow = () => {
    t.clock.t = (Math.floor(t.clock.t / 60_000) + 1) * 60_000;
  };

  it('answers 429 with Retry-After past the limit, per client, until the window ends', async () => {
    nextWindow();
    for (let i = 0; i < 3; i++) expectInactive(await probe(scanner));
    t.clock.advanceSeconds(20);
    const limited = await probe(scanner);
    expectError(limited, 429, 'invalid_request');
    expect(limited.headers['retry-after']).toBe('40');

    expectInactive(await probe(neighbour));

    t.clock.advanceSeconds(40);
    expectInactive(await probe(scanner));
  });

  it('counts before looking at the token: a 400 counts too', async () => {
    nextWindow();
    for (let i = 0; i < 3; i++) {
      expect((await postForm(t.app, INTROSPECT, scanner, {})).status).toBe(400);
    }
    expect((await probe(scanner)).status).toBe(429);
  });

  if (name.includes('redis')) {
    it('counts in Redis, so every instance shares the count', async () => {
      nextWindow();
      await probe(scanner);
      const window = Math.floor(t.clock.now() / 60_000);
      const key = `${keyPrefix}introspect:${window}:${scanner.clientId}`;
      expect(await t.redis!.get(key)).toBe('1');
      const ttl = await t.redis!.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    });

    it('falls back to counting in memory when Redis fails, never failing open', async () => {
      jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
      nextWindow();
      jest.spyOn(t.redis!, 'multi').mockImplementation(() => {
        throw new Error('connection is closed');
      });
      for (let i = 0; i < 3; i++) expectInactive(await probe(scanner));
      expectError(await probe(scanner), 429, 'invalid_request');
    });
  } else {
    it('has no Redis to count in: the module runs on the in-memory default', () => {
      expect(t.redis).toBeNull();
    });
  }
});
