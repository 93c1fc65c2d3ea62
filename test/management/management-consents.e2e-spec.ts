import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { CacheUnavailableError } from '../../src/cache/cache.errors.js';
import { TokenCache } from '../../src/cache/token-cache.js';
import { ConsentStore } from '../../src/storage/consent-store.js';
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

const CONSENT_KEYS = ['client_id', 'client_name', 'created_at', 'scope', 'updated_at'];
const UNKNOWN_USER_ID = '0123456789abcdef01234567';
const T0 = new Date('2026-12-01T12:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

interface ClientBody {
  client_id: string;
  client_name: string;
}

describe.each(BACKENDS)('management consents API on %s', (_name, backend) => {
  let app: INestApplication;
  let api: ManagementClient;
  let consents: ConsentStore;

  beforeAll(async () => {
    ({ app } = await startManagementApp(managedModule(backend('mgmt_consents'))));
    api = managementClient(app);
    consents = app.get<ConsentStore>(ConsentStore);
  });

  afterAll(async () => {
    await app?.close();
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  let users = 0;
  /** A user with a unique username; its password is `<username>-password`. */
  const createLogin = async (name: string) => {
    const username = `${name}-${(users += 1)}`;
    const password = `${username}-password`;
    const response = await api.post('/users', { username, password });
    expect(response.status).toBe(201);
    return { id: response.body.id as string, username, password };
  };
  const createUser = async (name: string): Promise<string> => (await createLogin(name)).id;

  const createClient = async (clientName: string): Promise<ClientBody> => {
    const response = await api.post('/clients', {
      client_name: clientName,
      client_type: 'public',
      scope: 'orders profile',
    });
    expect(response.status).toBe(201);
    return response.body as ClientBody;
  };

  const refresh = (client: ClientBody, refreshToken: string) =>
    request(app.getHttpServer())
      .post('/oauth/token')
      .type('form')
      .send(
        new URLSearchParams({
          grant_type: 'refresh_token',
          client_id: client.client_id,
          refresh_token: refreshToken,
        }).toString(),
      );

  describe('GET /users/:id/consents', () => {
    it("lists the user's consents newest change first, with the client's name", async () => {
      const userId = await createUser('lister');
      const shop = await createClient('Shop');
      const blog = await createClient('Blog');
      await consents.grant(userId, shop.client_id, ['orders'], at(1));
      await consents.grant(userId, blog.client_id, ['profile'], at(2));
      await consents.grant(userId, shop.client_id, ['profile'], at(3));
      const response = await api.get(`/users/${userId}/consents`);
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).toMatchObject({ total: 2, page: 1, per_page: 20 });
      expect(Object.keys(response.body.items[0]).sort()).toEqual(CONSENT_KEYS);
      expect(response.body.items).toEqual([
        {
          client_id: shop.client_id,
          client_name: 'Shop',
          scope: 'orders profile',
          created_at: at(1).toISOString(),
          updated_at: at(3).toISOString(),
        },
        {
          client_id: blog.client_id,
          client_name: 'Blog',
          scope: 'profile',
          created_at: at(2).toISOString(),
          updated_at: at(2).toISOString(),
        },
      ]);
    });

    it('pages with page and per_page', async () => {
      const userId = await createUser('pager');
      for (let i = 0; i < 3; i += 1) await consents.grant(userId, `client-${i}`, ['orders'], at(i));
      const second = await api.get(`/users/${userId}/consents?page=2&per_page=2`);
      expect(second.status).toBe(200);
      expect(second.body).toMatchObject({ total: 3, page: 2, per_page: 2 });
      expect(second.body.items.map((c: { client_id: string }) => c.client_id)).toEqual([
        'client-0',
      ]);
      // A client that no longer exists is listed without a name.
      expect(second.body.items[0].client_name).toBeNull();
      const empty = await api.get(`/users/${userId}/consents?page=3&per_page=2`);
      expect(empty.body.items).toEqual([]);
    });

    it('lists an empty page for a user without consents', async () => {
      const userId = await createUser('no-consents');
      const response = await api.get(`/users/${userId}/consents`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ items: [], total: 0, page: 1, per_page: 20 });
    });

    it.each([
      ['per_page=0', 'per_page'],
      ['per_page=101', 'per_page'],
      ['per_page=abc', 'per_page'],
      ['page=0', 'page'],
      ['page=-1', 'page'],
      // Query strings are parsed flat: a bracketed key is a literal, unknown field.
      ['page[$ne]=1', 'page[$ne]'],
      ['page=1&page=2', 'page'],
      ['sort=client_id', 'sort'],
    ])('answers 400 naming the field for ?%s', async (search, field) => {
      const userId = await createUser('paging');
      expectManagementError(
        await api.get(`/users/${userId}/consents?${search}`),
        400,
        'invalid_input',
        field,
      );
    });

    it.each([
      ['an unknown user id', UNKNOWN_USER_ID],
      ['a malformed user id', 'not-an-id'],
      ['an operator-looking id', '%7B%22%24ne%22%3A%22%22%7D'],
    ])('answers 404 for %s', async (_case, id) => {
      expectManagementError(await api.get(`/users/${id}/consents`), 404, 'not_found');
    });

    it('requires the management credentials', async () => {
      const userId = await createUser('guarded');
      const anonymous = managementClient(app, '192.0.2.77', undefined, null);
      expect((await anonymous.get(`/users/${userId}/consents`)).status).toBe(401);
      expect((await anonymous.delete(`/users/${userId}/consents/x`)).status).toBe(401);
    });
  });

  describe('DELETE /users/:id/consents/:client_id', () => {
    it("withdraws the consent and revokes the user's tokens of that client only", async () => {
      const user = await createLogin('withdrawer');
      const other = await createLogin('bystander');
      const userId = user.id;
      const shop = await createClient('Withdrawn shop');
      const blog = await createClient('Kept blog');
      await consents.grant(userId, shop.client_id, ['orders'], T0);
      await consents.grant(userId, blog.client_id, ['profile'], T0);
      const shopTokens = await passwordToken(app, shop, user.username, user.password);
      const shopTokens2 = await passwordToken(app, shop, user.username, user.password);
      const blogTokens = await passwordToken(app, blog, user.username, user.password);
      const bystander = await passwordToken(app, shop, other.username, other.password);
      for (const tokens of [shopTokens, shopTokens2, blogTokens, bystander]) {
        expect(await guardStatus(app, tokens.access_token)).toBe(200);
      }

      const response = await api.delete(`/users/${userId}/consents/${shop.client_id}`);
      expect(response.status).toBe(204);
      expect(response.text).toBe('');

      // Refused at once by the guard (tombstoned in the cache, docs/security.md 9).
      expect(await guardStatus(app, shopTokens.access_token)).toBe(401);
      expect(await guardStatus(app, shopTokens2.access_token)).toBe(401);
      expect((await refresh(shop, shopTokens.refresh_token!)).status).toBe(400);
      // Other clients' tokens, and other users' tokens of the same client, live on.
      expect(await guardStatus(app, blogTokens.access_token)).toBe(200);
      expect(await guardStatus(app, bystander.access_token)).toBe(200);

      expect(await consents.find(userId, shop.client_id)).toBeNull();
      const listed = await api.get(`/users/${userId}/consents`);
      expect(listed.body.items.map((c: { client_id: string }) => c.client_id)).toEqual([
        blog.client_id,
      ]);
      expectManagementError(
        await api.delete(`/users/${userId}/consents/${shop.client_id}`),
        404,
        'not_found',
      );
    });

    it.each([
      ['an unknown client', (userId: string) => `/users/${userId}/consents/no-such-client`],
      ['an unknown user', () => `/users/${UNKNOWN_USER_ID}/consents/some-client`],
      ['a malformed user id', () => `/users/not-an-id/consents/some-client`],
      ['an operator-looking client id', (userId: string) => `/users/${userId}/consents/%24ne`],
    ])('answers 404 for %s, withdrawing nothing', async (_case, path) => {
      const userId = await createUser('nothing');
      await consents.grant(userId, 'some-client', ['orders'], T0);
      expectManagementError(await api.delete(path(userId)), 404, 'not_found');
      expect(await consents.find(userId, 'some-client')).not.toBeNull();
    });
  });

  describe('faults', () => {
    it('keeps the consent when the revocation cannot reach the cache (503), so a retry finishes', async () => {
      const user = await createLogin('retrying');
      const app1 = await createClient('Retried app');
      await consents.grant(user.id, app1.client_id, ['orders'], T0);
      const tokens = await passwordToken(app, app1, user.username, user.password);
      jest
        .spyOn(app.get<TokenCache>(TokenCache), 'revoke')
        .mockRejectedValueOnce(new CacheUnavailableError('down'));
      const failed = await api.delete(`/users/${user.id}/consents/${app1.client_id}`);
      expectManagementError(failed, 503, 'temporarily_unavailable');
      expect(failed.headers['retry-after']).toBeDefined();
      expect(await consents.find(user.id, app1.client_id)).not.toBeNull();
      expect((await api.delete(`/users/${user.id}/consents/${app1.client_id}`)).status).toBe(204);
      expect(await consents.find(user.id, app1.client_id)).toBeNull();
      expect(await guardStatus(app, tokens.access_token)).toBe(401);
    });

    it('answers 503 with Retry-After when the consent store is down', async () => {
      const userId = await createUser('outage');
      jest.spyOn(consents, 'listByUser').mockRejectedValueOnce(new StorageUnavailableError('down'));
      const response = await api.get(`/users/${userId}/consents`);
      expectManagementError(response, 503, 'temporarily_unavailable');
      expect(response.headers['retry-after']).toBe('5');
    });
  });

  describe('deleting users and clients', () => {
    it("deletes a user's consents with the user", async () => {
      const userId = await createUser('leaving');
      const otherId = await createUser('staying');
      await consents.grant(userId, 'client-a', ['orders'], T0);
      await consents.grant(userId, 'client-b', ['orders'], T0);
      await consents.grant(otherId, 'client-a', ['orders'], T0);
      expect((await api.delete(`/users/${userId}`)).status).toBe(204);
      expect((await consents.listByUser(userId, { page: 1, perPage: 10 })).total).toBe(0);
      expect(await consents.find(otherId, 'client-a')).not.toBeNull();
    });

    it('deletes the consents given to a client with the client', async () => {
      const first = await createUser('first-of-two');
      const second = await createUser('second-of-two');
      const doomed = await createClient('Doomed app');
      const kept = await createClient('Kept app');
      await consents.grant(first, doomed.client_id, ['orders'], T0);
      await consents.grant(second, doomed.client_id, ['orders'], T0);
      await consents.grant(first, kept.client_id, ['orders'], T0);
      expect((await api.delete(`/clients/${doomed.client_id}`)).status).toBe(204);
      expect(await consents.find(first, doomed.client_id)).toBeNull();
      expect(await consents.find(second, doomed.client_id)).toBeNull();
      expect(await consents.find(first, kept.client_id)).not.toBeNull();
    });
  });
});
