import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { digest } from '../../src/crypto/digest.js';
import { TokenCache } from '../../src/cache/token-cache.js';
import { CacheUnavailableError } from '../../src/cache/cache.errors.js';
import { UserRepository } from '../../src/storage/user-store.js';
import { StorageUnavailableError } from '../../src/storage/storage.errors.js';
import {
  BACKENDS,
  expectManagementError,
  guardStatus,
  managedModule,
  managementClient,
  passwordToken,
  startManagementApp,
  type ManagementClient,
} from './management-testing.js';

const TOKEN_KEYS = [
  'client_id',
  'expires_at',
  'id',
  'issued_at',
  'refresh_expires_at',
  'revoked',
  'scope',
  'user_id',
];
const UNKNOWN_ID = 'aaaaaaaaaaaaaaaaaaaaaaaa';

interface Party {
  user: { id: string; username: string };
  client: { client_id: string; client_secret?: string };
}

describe.each(BACKENDS)('management tokens API on %s', (_name, backend) => {
  let app: INestApplication;
  let api: ManagementClient;
  let counter = 0;

  beforeAll(async () => {
    ({ app } = await startManagementApp(managedModule(backend('mgmt_tokens'))));
    api = managementClient(app);
  });

  afterAll(async () => {
    await app?.close();
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  /** A fresh user and confidential client, so counts in one test are exact. */
  const party = async (): Promise<Party> => {
    counter += 1;
    const user = await api.post('/users', { username: `tok-${counter}`, password: 'pw' });
    const client = await api.post('/clients', {
      client_name: `Client ${counter}`,
      client_type: 'confidential',
      scope: 'read write',
    });
    expect([user.status, client.status]).toEqual([201, 201]);
    return { user: user.body, client: client.body };
  };
  const issue = (p: Party) => passwordToken(app, p.client, p.user.username, 'pw');

  describe('GET /tokens', () => {
    it('lists token metadata by user and by client, never a token or digest', async () => {
      const p = await party();
      const first = await issue(p);
      const second = await issue(p);
      const byUser = await api.get('/tokens').query({ user_id: p.user.id });
      expect(byUser.status).toBe(200);
      expect(byUser.headers['cache-control']).toBe('no-store');
      expect(byUser.body).toMatchObject({ total: 2, page: 1, per_page: 20 });
      for (const item of byUser.body.items) {
        expect(Object.keys(item).sort()).toEqual(TOKEN_KEYS);
        expect(item).toMatchObject({
          client_id: p.client.client_id,
          user_id: p.user.id,
          scope: 'read write',
          revoked: false,
        });
        expect(Date.parse(item.expires_at)).toBeGreaterThan(Date.parse(item.issued_at));
      }
      for (const secret of [first.access_token, first.refresh_token!, second.access_token]) {
        expect(byUser.text).not.toContain(secret);
        expect(byUser.text).not.toContain(digest(secret));
      }
      const byClient = await api.get('/tokens').query({ client_id: p.client.client_id });
      expect(byClient.body.total).toBe(2);
      expect(byClient.body.items.map((item: { id: string }) => item.id).sort()).toEqual(
        byUser.body.items.map((item: { id: string }) => item.id).sort(),
      );
      const paged = await api
        .get('/tokens')
        .query({ user_id: p.user.id, per_page: '1', page: '2' });
      expect(paged.body).toMatchObject({ total: 2, page: 2, per_page: 1 });
      expect(paged.body.items).toHaveLength(1);
    });

    it('lists nothing for an unknown user', async () => {
      const response = await api.get('/tokens').query({ user_id: UNKNOWN_ID });
      expect(response.body).toMatchObject({ items: [], total: 0 });
    });

    it.each([
      ['user_id[$ne]=x', 'user_id[$ne]'],
      ['user_id=', 'user_id'],
      ['client_id=a&client_id=b', 'client_id'],
      ['per_page=1000', 'per_page'],
      ['token=abc', 'token'],
    ])('answers 400 for ?%s', async (query, field) => {
      expectManagementError(await api.get(`/tokens?${query}`), 400, 'invalid_input', field);
    });
  });

  describe('DELETE /tokens/:id', () => {
    it('revokes one token at once, leaves the others, and is idempotent', async () => {
      const p = await party();
      const keep = await issue(p);
      const drop = await issue(p);
      expect(await guardStatus(app, drop.access_token)).toBe(200);
      const listed = await api.get('/tokens').query({ user_id: p.user.id });
      // Newest first, so item 0 is `drop`.
      const dropId = listed.body.items[0].id as string;
      const response = await api.delete(`/tokens/${dropId}`);
      expect(response.status).toBe(204);
      expect(await guardStatus(app, drop.access_token)).toBe(401);
      expect(await guardStatus(app, keep.access_token)).toBe(200);
      expect((await api.delete(`/tokens/${dropId}`)).status).toBe(204);
      const after = await api.get('/tokens').query({ user_id: p.user.id });
      const revoked = after.body.items.filter((item: { revoked: boolean }) => item.revoked);
      expect(revoked.map((item: { id: string }) => item.id)).toEqual([dropId]);
    });

    it('revokes the refresh token issued beside it', async () => {
      const p = await party();
      const token = await issue(p);
      const [record] = (await api.get('/tokens').query({ user_id: p.user.id })).body.items;
      await api.delete(`/tokens/${record.id}`).expect(204);
      const refreshed = await request(app.getHttpServer())
        .post('/oauth/token')
        .auth(p.client.client_id, p.client.client_secret!)
        .type('form')
        .send({ grant_type: 'refresh_token', refresh_token: token.refresh_token });
      expect(refreshed.status).toBe(400);
      expect(refreshed.body.error).toBe('invalid_grant');
    });

    it.each([UNKNOWN_ID, 'abc', '%24ne'])('answers 404 for id %s', async (id) => {
      expectManagementError(await api.delete(`/tokens/${id}`), 404, 'not_found');
    });
  });

  describe('DELETE /tokens?user_id=|client_id=', () => {
    it('revokes every token of a user at once', async () => {
      const p = await party();
      const tokens = [await issue(p), await issue(p)];
      const other = await party();
      const bystander = await issue(other);
      const response = await api.delete(`/tokens?user_id=${p.user.id}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ revoked: 2 });
      for (const token of tokens) expect(await guardStatus(app, token.access_token)).toBe(401);
      expect(await guardStatus(app, bystander.access_token)).toBe(200);
      expect((await api.delete(`/tokens?user_id=${p.user.id}`)).body).toEqual({ revoked: 0 });
    });

    it('revokes every token of a client at once', async () => {
      const p = await party();
      const token = await issue(p);
      expect(await guardStatus(app, token.access_token)).toBe(200);
      const response = await api.delete(`/tokens?client_id=${p.client.client_id}`);
      expect(response.body).toEqual({ revoked: 1 });
      expect(await guardStatus(app, token.access_token)).toBe(401);
    });

    it.each([
      ['', 'user_id'],
      ['?user_id=a&client_id=b', 'client_id'],
      ['?user_id[$ne]=', 'user_id[$ne]'],
      ['?scope=read', 'scope'],
    ])('answers 400 for DELETE /tokens%s', async (query, field) => {
      expectManagementError(await api.delete(`/tokens${query}`), 400, 'invalid_input', field);
    });
  });

  describe('faults', () => {
    it('answers 503 with Retry-After when storage is down', async () => {
      jest
        .spyOn(app.get<UserRepository>(UserRepository), 'list')
        .mockRejectedValue(new StorageUnavailableError('down'));
      const response = await api.get('/users');
      expectManagementError(response, 503, 'temporarily_unavailable');
      expect(response.headers['retry-after']).toBe('5');
    });

    it('answers 503 when a revocation cannot reach the cache, so the caller retries', async () => {
      const p = await party();
      await issue(p);
      jest
        .spyOn(app.get<TokenCache>(TokenCache), 'revoke')
        .mockRejectedValue(new CacheUnavailableError('down'));
      const response = await api.delete(`/tokens?user_id=${p.user.id}`);
      expectManagementError(response, 503, 'temporarily_unavailable');
      expect(response.headers['retry-after']).toBeDefined();
    });

    it('answers 500 without details for an unexpected error', async () => {
      jest
        .spyOn(app.get<UserRepository>(UserRepository), 'list')
        .mockRejectedValue(new Error('secret internals at line 42'));
      const response = await api.get('/users');
      expectManagementError(response, 500, 'server_error');
      expect(response.text).not.toContain('secret internals');
    });
  });
});
