import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
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

const USER_KEYS = ['created_at', 'disabled', 'id', 'scope', 'updated_at', 'username'];
const UNKNOWN_ID = '0123456789abcdef01234567';

describe.each(BACKENDS)('management users API on %s', (_name, backend) => {
  let app: INestApplication;
  let api: ManagementClient;
  let client: { client_id: string };

  beforeAll(async () => {
    ({ app } = await startManagementApp(managedModule(backend('mgmt_users'))));
    api = managementClient(app);
    const created = await api.post('/clients', {
      client_name: 'Mobile app',
      client_type: 'public',
      scope: 'read write',
    });
    client = created.body as { client_id: string };
  });

  afterAll(async () => {
    await app?.close();
  });

  const createUser = async (username: string, extra: Record<string, unknown> = {}) => {
    const response = await api.post('/users', { username, password: 'pw-' + username, ...extra });
    expect(response.status).toBe(201);
    return response.body as { id: string; username: string };
  };

  describe('POST /users', () => {
    it('creates a user and answers without password or hash', async () => {
      const response = await api.post('/users', {
        username: 'carol',
        password: 'carols-secret',
        scope: 'read read write',
      });
      expect(response.status).toBe(201);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(Object.keys(response.body).sort()).toEqual(USER_KEYS);
      expect(response.body).toMatchObject({
        username: 'carol',
        scope: 'read write',
        disabled: false,
      });
      expect(response.body.id).toMatch(/^[0-9a-f]{24}$/);
      expect(new Date(response.body.created_at).toISOString()).toBe(response.body.created_at);
      expect(response.text).not.toMatch(/carols-secret|\$2[aby]\$|password/i);
      const token = await passwordToken(app, client, 'carol', 'carols-secret');
      expect(await guardStatus(app, token.access_token)).toBe(200);
    });

    it('creates a disabled user that cannot sign in', async () => {
      const response = await api.post('/users', {
        username: 'dormant',
        password: 'dormant-pw',
        disabled: true,
      });
      expect(response.status).toBe(201);
      expect(response.body.disabled).toBe(true);
      await expect(passwordToken(app, client, 'dormant', 'dormant-pw')).rejects.toThrow(/400/);
    });

    it('answers 409 naming username for a duplicate', async () => {
      await createUser('dup');
      expectManagementError(
        await api.post('/users', { username: 'dup', password: 'other' }),
        409,
        'conflict',
        'username',
      );
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['an operator object as username', { username: { $ne: '' }, password: 'x' }, 'username'],
      ['a missing username', { password: 'x' }, 'username'],
      ['an empty username', { username: '', password: 'x' }, 'username'],
      ['a username with control characters', { username: 'a\nb', password: 'x' }, 'username'],
      ['a missing password', { username: 'nopw' }, 'password'],
      ['a numeric password', { username: 'numpw', password: 12345 }, 'password'],
      ['an operator object as password', { username: 'oppw', password: { $gt: '' } }, 'password'],
      ['a password over 72 bytes', { username: 'longpw', password: 'é'.repeat(37) }, 'password'],
      ['a malformed scope', { username: 'sc', password: 'x', scope: 'a"b' }, 'scope'],
      ['a scope with double spaces', { username: 'sc2', password: 'x', scope: 'a  b' }, 'scope'],
      ['a non-boolean disabled', { username: 'dis', password: 'x', disabled: 'yes' }, 'disabled'],
      [
        'an overlong scope',
        { username: 'long-scope', password: 'x', scope: 'ab '.repeat(700).trim() },
        'scope',
      ],
      ['an unknown field', { username: 'unk', password: 'x', role: 'admin' }, 'role'],
    ])('answers 400 for %s', async (_case, body, field) => {
      expectManagementError(await api.post('/users', body), 400, 'invalid_input', field);
      const list = await api.get('/users').query({ per_page: '100' });
      expect(list.body.items.map((user: { username: unknown }) => user.username)).not.toContain(
        body.username,
      );
    });

    it('reports an operator object by its type, not by a pattern', async () => {
      const response = await api.post('/users', { username: { $ne: '' }, password: 'x' });
      expectManagementError(response, 400, 'invalid_input', 'username');
      expect(response.body.message).toBe('username must be a string');
      expect(response.body.errors).toEqual([
        { field: 'username', message: 'username must be a string' },
      ]);
    });

    it('names every invalid field in errors, the first in field', async () => {
      const response = await api.post('/users', { username: 7, password: [], extra: true });
      expectManagementError(response, 400, 'invalid_input');
      const fields = response.body.errors.map((error: { field: string }) => error.field);
      expect(fields.sort()).toEqual(['extra', 'password', 'username']);
      expect(response.body.field).toBe(response.body.errors[0].field);
    });

    it('answers 400 naming body for a JSON array', async () => {
      expectManagementError(
        await api.post('/users', [{ username: 'x' }]),
        400,
        'invalid_input',
        'body',
      );
    });

    it('answers 400 naming the first missing field for an empty body', async () => {
      expectManagementError(await api.post('/users'), 400, 'invalid_input', 'username');
    });

    // Parsed by the platform's JSON parser before routing; rendered as management's 400 (ADR 0015).
    it('answers malformed JSON with 400 JSON and creates nothing', async () => {
      const malformed = await api
        .post('/users')
        .set('Content-Type', 'application/json')
        .send('{"username": "half", "password": "x",');
      expect(malformed.status).toBe(400);
      expect(malformed.headers['content-type']).toMatch(/^application\/json/);
      expect(malformed.text).not.toMatch(/\bat \w+ \(/);
      const list = await api.get('/users').query({ username: 'half' });
      expect(list.body.total).toBe(0);
    });

    it.each([
      ['application/x-www-form-urlencoded', 'username=formuser&password=x'],
      ['text/plain', '{"username":"textuser","password":"x"}'],
      ['multipart/form-data; boundary=x', '--x--'],
    ])('answers 415 for Content-Type %s (CSRF: forms cannot send JSON)', async (type, body) => {
      const response = await api.post('/users').set('Content-Type', type).send(body);
      expectManagementError(response, 415, 'unsupported_media_type');
    });

    it('refuses a non-UTF-8 JSON charset with 415 and creates nothing', async () => {
      const response = await api
        .post('/users')
        .set('Content-Type', 'application/json; charset=latin1')
        .send('{"username":"latin","password":"x"}');
      expect(response.status).toBe(415);
      const list = await api.get('/users').query({ username: 'latin' });
      expect(list.body.total).toBe(0);
    });
  });

  describe('GET /users', () => {
    beforeAll(async () => {
      for (const name of ['page-a', 'page-b', 'page-c']) await createUser(name);
    });

    it('lists with pagination and the total', async () => {
      const first = await api.get('/users').query({ per_page: '2' });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ page: 1, per_page: 2 });
      expect(first.body.items).toHaveLength(2);
      expect(first.body.total).toBeGreaterThanOrEqual(3);
      const last = Math.ceil(first.body.total / 2);
      const lastPage = await api.get('/users').query({ per_page: '2', page: String(last) });
      expect(lastPage.body.items.length).toBeGreaterThan(0);
      const beyond = await api.get('/users').query({ per_page: '2', page: String(last + 1) });
      expect(beyond.body.items).toEqual([]);
      for (const user of first.body.items) expect(Object.keys(user).sort()).toEqual(USER_KEYS);
    });

    it('defaults to page 1 of 20', async () => {
      const response = await api.get('/users');
      expect(response.body).toMatchObject({ page: 1, per_page: 20 });
    });

    it('filters by exact username', async () => {
      const response = await api.get('/users').query({ username: 'page-b' });
      expect(response.body.total).toBe(1);
      expect(response.body.items[0].username).toBe('page-b');
      const none = await api.get('/users').query({ username: 'page-' });
      expect(none.body).toMatchObject({ total: 0, items: [] });
    });

    it.each([
      ['per_page=101', 'per_page'],
      ['per_page=0', 'per_page'],
      ['page=0', 'page'],
      ['page=abc', 'page'],
      ['page=1&page=2', 'page'],
      ['username=a&username=b', 'username'],
      ['username[$ne]=x', 'username[$ne]'],
      ['sort=username', 'sort'],
    ])('answers 400 for ?%s', async (query, field) => {
      expectManagementError(await api.get(`/users?${query}`), 400, 'invalid_input', field);
    });
  });

  describe('GET /users/:id', () => {
    it('returns one user', async () => {
      const user = await createUser('getme');
      const response = await api.get(`/users/${user.id}`);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: user.id, username: 'getme' });
    });

    it.each([UNKNOWN_ID, 'not-an-id', '%7B%22%24ne%22%3A1%7D'])(
      'answers 404 for %s',
      async (id) => {
        expectManagementError(await api.get(`/users/${id}`), 404, 'not_found');
      },
    );
  });

  describe('PATCH /users/:id', () => {
    it('changes the scope without revoking tokens', async () => {
      const user = await createUser('scoped');
      const token = await passwordToken(app, client, 'scoped', 'pw-scoped');
      const response = await api.patch(`/users/${user.id}`, { scope: 'read' });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: user.id, scope: 'read', disabled: false });
      expect(await guardStatus(app, token.access_token)).toBe(200);
    });

    it('disabling revokes the user’s tokens at once; enabling lets them sign in again', async () => {
      const user = await createUser('to-disable');
      const token = await passwordToken(app, client, 'to-disable', 'pw-to-disable');
      expect(await guardStatus(app, token.access_token)).toBe(200);
      const response = await api.patch(`/users/${user.id}`, { disabled: true });
      expect(response.status).toBe(200);
      expect(response.body.disabled).toBe(true);
      expect(await guardStatus(app, token.access_token)).toBe(401);
      await expect(passwordToken(app, client, 'to-disable', 'pw-to-disable')).rejects.toThrow();
      await api.patch(`/users/${user.id}`, { disabled: false }).expect(200);
      const again = await passwordToken(app, client, 'to-disable', 'pw-to-disable');
      expect(await guardStatus(app, again.access_token)).toBe(200);
    });

    it('a new password revokes the user’s tokens and replaces the old password', async () => {
      const user = await createUser('repass');
      const token = await passwordToken(app, client, 'repass', 'pw-repass');
      expect(await guardStatus(app, token.access_token)).toBe(200);
      const response = await api.patch(`/users/${user.id}`, { password: 'brand-new' });
      expect(response.status).toBe(200);
      expect(response.text).not.toContain('brand-new');
      expect(await guardStatus(app, token.access_token)).toBe(401);
      await expect(passwordToken(app, client, 'repass', 'pw-repass')).rejects.toThrow();
      const fresh = await passwordToken(app, client, 'repass', 'brand-new');
      expect(await guardStatus(app, fresh.access_token)).toBe(200);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['a username change', { username: 'renamed' }, 'username'],
      ['an empty password', { password: '' }, 'password'],
      ['an operator object as password', { password: { $ne: null } }, 'password'],
      ['a password over 72 bytes', { password: 'x'.repeat(73) }, 'password'],
      ['a non-boolean disabled', { disabled: 1 }, 'disabled'],
      ['a malformed scope', { scope: ' read' }, 'scope'],
    ])('answers 400 for %s', async (_case, body, field) => {
      const user = await createUser(`bad-patch-${field}-${Object.keys(body)[0]}-${Date.now()}`);
      expectManagementError(
        await api.patch(`/users/${user.id}`, body),
        400,
        'invalid_input',
        field,
      );
    });

    it('answers 404 for an unknown or malformed id', async () => {
      expectManagementError(
        await api.patch(`/users/${UNKNOWN_ID}`, { scope: '' }),
        404,
        'not_found',
      );
      expectManagementError(await api.patch('/users/nope', { scope: '' }), 404, 'not_found');
    });
  });

  describe('DELETE /users/:id', () => {
    it('deletes the user and revokes its tokens at once', async () => {
      const user = await createUser('leaver');
      const token = await passwordToken(app, client, 'leaver', 'pw-leaver');
      expect(await guardStatus(app, token.access_token)).toBe(200);
      const response = await api.delete(`/users/${user.id}`);
      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      expect(await guardStatus(app, token.access_token)).toBe(401);
      expectManagementError(await api.get(`/users/${user.id}`), 404, 'not_found');
      expectManagementError(await api.delete(`/users/${user.id}`), 404, 'not_found');
      const tokens = await api.get('/tokens').query({ user_id: user.id });
      expect(tokens.body.items.every((item: { revoked: boolean }) => item.revoked)).toBe(true);
      expect(tokens.body.total).toBe(1);
    });

    it('answers 404 for a malformed id', async () => {
      expectManagementError(await api.delete('/users/12'), 404, 'not_found');
    });
  });
});
