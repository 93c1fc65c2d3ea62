import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import {
  BACKENDS,
  clientAuth,
  expectManagementError,
  guardStatus,
  managedModule,
  managementClient,
  passwordToken,
  startManagementApp,
  type ManagementClient,
} from './management-testing.js';

const CLIENT_KEYS = [
  'client_id',
  'client_name',
  'client_type',
  'created_at',
  'first_party',
  'grant_types',
  'redirect_uris',
  'scope',
  'updated_at',
];

interface ClientBody {
  client_id: string;
  client_secret?: string;
  client_name: string;
}

describe.each(BACKENDS)('management clients API on %s', (_name, backend) => {
  let app: INestApplication;
  let api: ManagementClient;

  beforeAll(async () => {
    ({ app } = await startManagementApp(managedModule(backend('mgmt_clients'))));
    api = managementClient(app);
    await api.post('/users', { username: 'dana', password: 'danas-password' }).expect(201);
  });

  afterAll(async () => {
    await app?.close();
  });

  const createClient = async (body: Record<string, unknown>): Promise<ClientBody> => {
    const response = await api.post('/clients', body);
    expect(response.status).toBe(201);
    return response.body as ClientBody;
  };

  const clientCredentials = (client: ClientBody, secret = client.client_secret!) =>
    request(app.getHttpServer())
      .post('/oauth/token')
      .set('Authorization', clientAuth(client.client_id, secret))
      .type('form')
      .send('grant_type=client_credentials');

  describe('POST /clients', () => {
    it('creates a confidential client and shows its secret once', async () => {
      const response = await api.post('/clients', {
        client_name: 'Backend job',
        client_type: 'confidential',
        grant_types: ['client_credentials', 'password'],
        scope: 'reports reports',
      });
      expect(response.status).toBe(201);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(Object.keys(response.body).sort()).toEqual([...CLIENT_KEYS, 'client_secret'].sort());
      expect(response.body).toMatchObject({
        client_name: 'Backend job',
        client_type: 'confidential',
        grant_types: ['client_credentials', 'password'],
        scope: 'reports',
      });
      expect(response.body.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const issued = await clientCredentials(response.body);
      expect(issued.status).toBe(200);
      expect(await guardStatus(app, issued.body.access_token)).toBe(200);

      const fetched = await api.get(`/clients/${response.body.client_id}`);
      expect(Object.keys(fetched.body).sort()).toEqual(CLIENT_KEYS);
      expect(fetched.text).not.toContain(response.body.client_secret);
      const listed = await api.get('/clients').query({ per_page: '100' });
      expect(listed.text).not.toContain(response.body.client_secret);
    });

    it('creates a public client with the default grant types and no secret', async () => {
      const response = await api.post('/clients', { client_name: 'SPA', client_type: 'public' });
      expect(response.status).toBe(201);
      expect(Object.keys(response.body).sort()).toEqual(CLIENT_KEYS);
      expect(response.body).toMatchObject({
        client_type: 'public',
        grant_types: ['password', 'refresh_token'],
        scope: '',
      });
      const token = await passwordToken(app, response.body, 'dana', 'danas-password');
      expect(await guardStatus(app, token.access_token)).toBe(200);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['a missing client_name', { client_type: 'public' }, 'client_name'],
      [
        'an operator object as client_name',
        { client_name: { $ne: '' }, client_type: 'public' },
        'client_name',
      ],
      ['a missing client_type', { client_name: 'x' }, 'client_type'],
      ['an unknown client_type', { client_name: 'x', client_type: 'secret' }, 'client_type'],
      [
        'an unknown grant type',
        { client_name: 'x', client_type: 'public', grant_types: ['implicit'] },
        'grant_types',
      ],
      [
        'grant_types as a string',
        { client_name: 'x', client_type: 'public', grant_types: 'password' },
        'grant_types',
      ],
      [
        'empty grant_types',
        { client_name: 'x', client_type: 'public', grant_types: [] },
        'grant_types',
      ],
      [
        'client_credentials for a public client',
        { client_name: 'x', client_type: 'public', grant_types: ['client_credentials'] },
        'grant_types',
      ],
      ['a malformed scope', { client_name: 'x', client_type: 'public', scope: 'a\\b' }, 'scope'],
      [
        'a redirect URI with a fragment',
        { client_name: 'x', client_type: 'public', redirect_uris: ['https://a.example/cb#f'] },
        'redirect_uris',
      ],
      [
        'redirect_uris as a string',
        { client_name: 'x', client_type: 'public', redirect_uris: 'https://a.example/cb' },
        'redirect_uris',
      ],
      [
        'first_party as a string',
        { client_name: 'x', client_type: 'public', first_party: 'true' },
        'first_party',
      ],
      [
        'first_party as a number',
        { client_name: 'x', client_type: 'public', first_party: 1 },
        'first_party',
      ],
      [
        'first_party as null',
        { client_name: 'x', client_type: 'public', first_party: null },
        'first_party',
      ],
      [
        'a client_id chosen by the caller',
        { client_name: 'x', client_type: 'public', client_id: 'mine' },
        'client_id',
      ],
      [
        'a client_secret chosen by the caller',
        { client_name: 'x', client_type: 'confidential', client_secret: 's' },
        'client_secret',
      ],
    ])('answers 400 for %s', async (_case, body, field) => {
      expectManagementError(await api.post('/clients', body), 400, 'invalid_input', field);
    });

    it('registers redirect URIs (RFC 7591 redirect_uris) and changes them with PATCH', async () => {
      const created = await api.post('/clients', {
        client_name: 'Native app',
        client_type: 'public',
        redirect_uris: ['com.example.app:/oauth2redirect', 'http://127.0.0.1/callback'],
      });
      expect(created.status).toBe(201);
      expect(created.body.redirect_uris).toEqual([
        'com.example.app:/oauth2redirect',
        'http://127.0.0.1/callback',
      ]);
      const patched = await api.patch(`/clients/${created.body.client_id}`, {
        redirect_uris: [],
      });
      expect(patched.status).toBe(200);
      expect(patched.body.redirect_uris).toEqual([]);
    });

    it('marks a client first-party (first_party, default false) and changes it with PATCH', async () => {
      const plain = await api.post('/clients', {
        client_name: 'Third party',
        client_type: 'public',
      });
      expect(plain.body.first_party).toBe(false);
      const created = await api.post('/clients', {
        client_name: 'Own app',
        client_type: 'public',
        first_party: true,
      });
      expect(created.status).toBe(201);
      expect(created.body.first_party).toBe(true);
      const id = created.body.client_id as string;
      expect((await api.get(`/clients/${id}`)).body.first_party).toBe(true);
      const patched = await api.patch(`/clients/${id}`, { first_party: false });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ first_party: false, client_name: 'Own app' });
      const refused = await api.patch(`/clients/${id}`, { first_party: 'yes' });
      expectManagementError(refused, 400, 'invalid_input', 'first_party');
      expect(refused.body.message).toBe('first_party must be true or false');
      expect((await api.get(`/clients/${id}`)).body.first_party).toBe(false);
    });

    it('answers 415 for a form post', async () => {
      const response = await api
        .post('/clients')
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send('client_name=x&client_type=public');
      expectManagementError(response, 415, 'unsupported_media_type');
    });
  });

  describe('GET /clients', () => {
    beforeAll(async () => {
      for (const name of ['list-1', 'list-2', 'list-3']) {
        await createClient({ client_name: name, client_type: 'public' });
      }
    });

    it('lists with pagination and never a secret', async () => {
      const first = await api.get('/clients').query({ per_page: '2' });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ page: 1, per_page: 2 });
      expect(first.body.items).toHaveLength(2);
      expect(first.body.total).toBeGreaterThanOrEqual(3);
      for (const item of first.body.items) expect(Object.keys(item).sort()).toEqual(CLIENT_KEYS);
      const second = await api.get('/clients').query({ per_page: '2', page: '2' });
      expect(second.body.items[0].client_id).not.toBe(first.body.items[0].client_id);
    });

    it.each([
      ['per_page=500', 'per_page'],
      ['page=-1', 'page'],
      ['client_type=public', 'client_type'],
    ])('answers 400 for ?%s', async (query, field) => {
      expectManagementError(await api.get(`/clients?${query}`), 400, 'invalid_input', field);
    });
  });

  describe('GET /clients/:client_id', () => {
    it('answers 404 for an unknown client_id', async () => {
      expectManagementError(await api.get('/clients/no-such-client'), 404, 'not_found');
    });
  });

  describe('PATCH /clients/:client_id', () => {
    it('changes name, grant types and scope', async () => {
      const client = await createClient({ client_name: 'Old', client_type: 'confidential' });
      const response = await api.patch(`/clients/${client.client_id}`, {
        client_name: 'New',
        grant_types: ['client_credentials'],
        scope: 'a b',
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        client_id: client.client_id,
        client_name: 'New',
        client_type: 'confidential',
        grant_types: ['client_credentials'],
        scope: 'a b',
      });
      expect(response.body.client_secret).toBeUndefined();
      expect((await clientCredentials(client)).status).toBe(200);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['a client_type change', { client_type: 'confidential' }, 'client_type'],
      [
        'client_credentials for a public client',
        { grant_types: ['client_credentials'] },
        'grant_types',
      ],
      ['an unknown grant type', { grant_types: ['device_code'] }, 'grant_types'],
      ['an empty client_name', { client_name: '' }, 'client_name'],
      ['a numeric scope', { scope: 7 }, 'scope'],
    ])('answers 400 for %s', async (_case, body, field) => {
      const client = await createClient({ client_name: 'Fixed', client_type: 'public' });
      expectManagementError(
        await api.patch(`/clients/${client.client_id}`, body),
        400,
        'invalid_input',
        field,
      );
      const unchanged = await api.get(`/clients/${client.client_id}`);
      expect(unchanged.body).toMatchObject({
        client_type: 'public',
        grant_types: ['password', 'refresh_token'],
      });
    });

    it('answers 404 for an unknown client_id', async () => {
      expectManagementError(
        await api.patch('/clients/unknown', { client_name: 'x' }),
        404,
        'not_found',
      );
    });
  });

  describe('POST /clients/:client_id/secret', () => {
    it('rotates the secret: shown once, the old one stops working', async () => {
      const client = await createClient({
        client_name: 'Rotating',
        client_type: 'confidential',
        grant_types: ['client_credentials'],
      });
      const response = await api.post(`/clients/${client.client_id}/secret`, {});
      expect(response.status).toBe(200);
      expect(response.body.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(response.body.client_secret).not.toBe(client.client_secret);
      expect((await clientCredentials(client)).status).toBe(401);
      expect((await clientCredentials(client, response.body.client_secret)).status).toBe(200);
    });

    it('accepts an empty JSON request', async () => {
      const client = await createClient({ client_name: 'Empty', client_type: 'confidential' });
      const response = await api.post(`/clients/${client.client_id}/secret`);
      expect(response.status).toBe(200);
      expect(response.body.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it('answers 400 naming client_type for a public client', async () => {
      const client = await createClient({ client_name: 'Pub', client_type: 'public' });
      expectManagementError(
        await api.post(`/clients/${client.client_id}/secret`, {}),
        400,
        'invalid_input',
        'client_type',
      );
    });

    it('answers 404 for an unknown client and 415 without JSON', async () => {
      expectManagementError(await api.post('/clients/unknown/secret', {}), 404, 'not_found');
      const client = await createClient({ client_name: 'Form', client_type: 'confidential' });
      const form = await api
        .post(`/clients/${client.client_id}/secret`)
        .set('Content-Type', 'text/plain')
        .send('');
      expectManagementError(form, 415, 'unsupported_media_type');
      expect((await clientCredentials(client)).status).not.toBe(401);
    });
  });

  describe('DELETE /clients/:client_id', () => {
    it('deletes the client and revokes its tokens at once', async () => {
      const client = await createClient({ client_name: 'Doomed', client_type: 'public' });
      const first = await passwordToken(app, client, 'dana', 'danas-password');
      const second = await passwordToken(app, client, 'dana', 'danas-password');
      expect(await guardStatus(app, first.access_token)).toBe(200);
      const response = await api.delete(`/clients/${client.client_id}`);
      expect(response.status).toBe(204);
      expect(await guardStatus(app, first.access_token)).toBe(401);
      expect(await guardStatus(app, second.access_token)).toBe(401);
      expectManagementError(await api.get(`/clients/${client.client_id}`), 404, 'not_found');
      expectManagementError(await api.delete(`/clients/${client.client_id}`), 404, 'not_found');
      await expect(passwordToken(app, client, 'dana', 'danas-password')).rejects.toThrow(/401/);
    });
  });
});
