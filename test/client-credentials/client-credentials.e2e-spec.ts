import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { digest } from '../../src/crypto/digest.js';
import {
  BACKENDS,
  callApi,
  createTestClient,
  form,
  postForm,
  startProtocolApp,
  type ProtocolApp,
  type TestClient,
} from '../revocation/protocol-testing.js';

const TOKEN = '/oauth/token';

type TestResponse = request.Response;

function expectError(res: TestResponse, status: number, error: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.body.error).toBe(error);
  expect(res.body.access_token).toBeUndefined();
}

describe.each(BACKENDS)('grant_type=client_credentials (RFC 6749 §4.4) on %s', (_name, backend) => {
  let t: ProtocolApp;
  let service: TestClient;
  let profileOnly: TestClient;
  let passwordClient: TestClient;
  let mobile: TestClient;

  beforeAll(async () => {
    t = await startProtocolApp(backend('client_credentials'));
    service = await createTestClient(t.clients, {
      clientName: 'billing backend',
      grantTypes: ['client_credentials'],
      scope: 'orders profile',
    });
    profileOnly = await createTestClient(t.clients, {
      grantTypes: ['client_credentials'],
      scope: 'profile',
    });
    passwordClient = await createTestClient(t.clients, { grantTypes: ['password'] });
    mobile = await createTestClient(t.clients, {
      clientType: 'public',
      grantTypes: ['password', 'refresh_token'],
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  const grant = (client: TestClient | undefined, extra: Record<string, string> = {}) =>
    postForm(t.app, TOKEN, client, { grant_type: 'client_credentials', ...extra });

  describe('success (docs/security.md 3, 7)', () => {
    it('issues an access token with the client’s scope and no refresh token', async () => {
      const res = await grant(service);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.pragma).toBe('no-cache');
      expect(res.body).toEqual({
        access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        token_type: 'Bearer',
        expires_in: 600,
        scope: 'orders profile',
      });
      const record = await t.tokens.findByAccessDigest(digest(res.body.access_token));
      expect(record).toMatchObject({
        userId: null,
        clientId: service.clientId,
        refreshTokenDigest: null,
        revoked: false,
      });
    });

    it('accepts client_secret_post', async () => {
      const res = await request(t.app.getHttpServer())
        .post(TOKEN)
        .type('form')
        .send(
          form({
            grant_type: 'client_credentials',
            client_id: service.clientId,
            client_secret: service.clientSecret!,
          }),
        );
      expect(res.status).toBe(200);
    });

    it('narrows to a requested scope', async () => {
      const res = await grant(service, { scope: 'profile' });
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('profile');
    });
  });

  describe('the guard (docs/security.md 8)', () => {
    it('accepts the token and gives the handler an identity with userId null', async () => {
      const { body } = await grant(service).expect(200);
      const me = await callApi(t.app, body.access_token).expect(200);
      expect(me.body).toEqual({
        userId: null,
        clientId: service.clientId,
        scope: ['orders', 'profile'],
        expiresAt: expect.any(String),
      });
    });

    it('enforces @Scopes the same way as for user tokens', async () => {
      const { body } = await grant(service).expect(200);
      const orders = await callApi(t.app, body.access_token, '/api/orders').expect(200);
      expect(orders.body).toEqual({ userId: null });

      const narrow = (await grant(service, { scope: 'profile' }).expect(200)).body;
      const refused = await callApi(t.app, narrow.access_token, '/api/orders');
      expect(refused.status).toBe(403);
      expect(refused.headers['www-authenticate']).toContain('error="insufficient_scope"');
      expect(refused.headers['www-authenticate']).toContain('scope="orders"');

      const other = (await grant(profileOnly).expect(200)).body;
      await callApi(t.app, other.access_token, '/api/orders').expect(403);
    });

    it('is refused at once after the service revokes it', async () => {
      const { body } = await grant(service).expect(200);
      await callApi(t.app, body.access_token).expect(200);
      await postForm(t.app, '/oauth/revoke', service, { token: body.access_token }).expect(200);
      await callApi(t.app, body.access_token).expect(401);
    });
  });

  describe('refusals', () => {
    it('refuses a public client with unauthorized_client (it cannot authenticate)', async () => {
      const res = await grant(mobile);
      expectError(res, 400, 'unauthorized_client');
    });

    it('refuses a confidential client that does not list the grant', async () => {
      expectError(await grant(passwordClient), 400, 'unauthorized_client');
    });

    it('refuses a confidential client that sends no secret with 401 invalid_client', async () => {
      const res = await postForm(t.app, TOKEN, undefined, {
        grant_type: 'client_credentials',
        client_id: service.clientId,
      });
      expectError(res, 401, 'invalid_client');
    });

    it('refuses a wrong secret with 401 and a Basic challenge', async () => {
      const res = await grant({ ...service, auth: `Basic ${btoa(`${service.clientId}:nope`)}` });
      expectError(res, 401, 'invalid_client');
      expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
    });

    it('refuses a scope beyond the client’s with invalid_scope', async () => {
      expectError(await grant(service, { scope: 'orders admin' }), 400, 'invalid_scope');
    });

    it('refuses grant parameters in the query string', async () => {
      const res = await request(t.app.getHttpServer())
        .post(`${TOKEN}?grant_type=client_credentials`)
        .set('Authorization', service.auth)
        .type('form')
        .send('');
      expectError(res, 400, 'invalid_request');
    });
  });
});
