import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Script } from 'node:vm';
import request from 'supertest';
import {
  ADMIN,
  BACKENDS,
  CHALLENGE,
  MGMT,
  basicAuth,
  expectManagementError,
  freshAddress,
  managedModule,
  managementClient,
  startManagementApp,
  type FakeClock,
} from './management-testing.js';

const WRONG = basicAuth(ADMIN.username, 'wrong password');

describe.each(BACKENDS)('management protection on %s (docs/security.md 15)', (_name, backend) => {
  let app: INestApplication;
  let clock: FakeClock;

  beforeAll(async () => {
    ({ app, clock } = await startManagementApp(managedModule(backend('mgmt_protection'))));
  });

  afterAll(async () => {
    await app?.close();
  });

  const as = (authorization: string | null, address = freshAddress()) =>
    managementClient(app, address, MGMT, authorization);

  describe('HTTP Basic authentication', () => {
    it.each<[string, string | null]>([
      ['no credentials', null],
      ['a wrong password', WRONG],
      ['a wrong username', basicAuth('root', ADMIN.password)],
      ['both swapped', basicAuth(ADMIN.password, ADMIN.username)],
      ['a much longer password', basicAuth(ADMIN.username, ADMIN.password.repeat(50))],
      ['an empty password', basicAuth(ADMIN.username, '')],
      ['a Bearer token', 'Bearer abc'],
      ['malformed base64', 'Basic !!!not-base64!!!'],
      ['credentials without a colon', `Basic ${Buffer.from('admin').toString('base64')}`],
      [
        'non-UTF-8 credentials',
        `Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString('base64')}`,
      ],
      ['an empty Basic header', 'Basic '],
    ])('answers 401 with a Basic challenge for %s', async (_case, authorization) => {
      const api = as(authorization);
      for (const response of [await api.get('/users'), await api.post('/users', {})]) {
        expectManagementError(response, 401, 'unauthorized');
        expect(response.headers['www-authenticate']).toBe(CHALLENGE);
      }
      const users = await as(null).get('/users');
      expect(users.status).toBe(401);
    });

    it('protects the console page too, without leaking it', async () => {
      const response = await as(WRONG).get();
      expectManagementError(response, 401, 'unauthorized');
      expect(response.headers['www-authenticate']).toBe(CHALLENGE);
      expect(response.text).not.toContain('<html');
    });

    it('lets the right credentials in', async () => {
      const response = await as(basicAuth(ADMIN.username, ADMIN.password)).get('/users');
      expect(response.status).toBe(200);
    });
  });

  describe('throttling of failed sign-ins', () => {
    const right = basicAuth(ADMIN.username, ADMIN.password);

    it('locks an address out after 5 failures, the right password included, with Retry-After', async () => {
      const address = freshAddress();
      for (let attempt = 1; attempt <= 5; attempt += 1) {
        expect((await as(WRONG, address).get('/users')).status).toBe(401);
      }
      const locked = await as(right, address).get('/users');
      expectManagementError(locked, 429, 'too_many_requests');
      expect(locked.headers['retry-after']).toBe('1');
      expect(locked.headers['www-authenticate']).toBeUndefined();
      expect((await as(right, freshAddress()).get('/users')).status).toBe(200);

      clock.advanceSeconds(1);
      expect((await as(right, address).get('/users')).status).toBe(200);
      // A success clears the address: the next failure is a plain 401 again.
      expect((await as(WRONG, address).get('/users')).status).toBe(401);
      expect((await as(right, address).get('/users')).status).toBe(200);
    });

    it('doubles the lockout with every further failure', async () => {
      const address = freshAddress();
      for (let attempt = 1; attempt <= 5; attempt += 1) await as(WRONG, address).get('/users');
      clock.advanceSeconds(1);
      expect((await as(WRONG, address).get('/users')).status).toBe(401);
      const locked = await as(right, address).get('/users');
      expect(locked.status).toBe(429);
      expect(locked.headers['retry-after']).toBe('2');
      clock.advanceSeconds(1);
      expect((await as(right, address).get('/users')).status).toBe(429);
      clock.advanceSeconds(1);
      expect((await as(right, address).get('/users')).status).toBe(200);
    });

    it('does not count requests without credentials (the browser’s first request)', async () => {
      const address = freshAddress();
      for (let attempt = 1; attempt <= 8; attempt += 1) {
        expect((await as(null, address).get('/users')).status).toBe(401);
      }
      expect((await as(right, address).get('/users')).status).toBe(200);
    });
  });

  describe('CSRF defences (ADR 0005)', () => {
    const api = () => managementClient(app, freshAddress());

    it('refuses a state-changing request from another origin, and creates nothing', async () => {
      for (const origin of ['https://evil.example', 'null', 'http://console.example:8080']) {
        const response = await api()
          .post('/users', { username: 'csrf-victim', password: 'x' })
          .set('Host', 'console.example')
          .set('Origin', origin);
        expectManagementError(response, 403, 'forbidden');
      }
      const list = await api().get('/users').query({ username: 'csrf-victim' });
      expect(list.body.total).toBe(0);
    });

    it('accepts the same origin', async () => {
      const response = await api()
        .post('/users', { username: 'same-origin', password: 'x' })
        .set('Host', 'console.example')
        .set('Origin', 'http://console.example')
        .set('Sec-Fetch-Site', 'same-origin');
      expect(response.status).toBe(201);
    });

    it.each([
      ['another scheme', 'console.example', 'https://console.example'],
      ['another scheme, same port', '127.0.0.1:3950', 'https://127.0.0.1:3950'],
      ['another port', 'console.example', 'http://console.example:81'],
      ['the default port of another scheme', 'console.example', 'http://console.example:443'],
    ])(
      'refuses an Origin with %s (scheme, host and port compared; issue 15)',
      async (_c, host, origin) => {
        const response = await api()
          .post('/users', { username: 'scheme-victim', password: 'x' })
          .set('Host', host)
          .set('Origin', origin);
        expectManagementError(response, 403, 'forbidden');
      },
    );

    it('accepts an https Origin when a trusted proxy reports https, with default ports normalized', async () => {
      for (const [origin, name] of [
        ['https://console.example', 'proxied-https'],
        ['https://console.example:443', 'proxied-https-443'],
      ]) {
        const response = await api()
          .post('/users', { username: name, password: 'x' })
          .set('Host', 'console.example')
          .set('X-Forwarded-Proto', 'https')
          .set('Origin', origin);
        expect(response.status).toBe(201);
      }
    });

    it('answers malformed JSON without quoting any of the body (it may hold a password; issue 15)', async () => {
      for (const body of [
        'PwJson-mx5-secret',
        '{"password": "PwJson-mx5-secret",',
        '[PwJson-mx5-secret]',
      ]) {
        const response = await api()
          .post('/users')
          .set('Content-Type', 'application/json')
          .send(body);
        expectManagementError(response, 400, 'invalid_input', 'body');
        expect(response.text).not.toMatch(/PwJson|mx5|secret|"password/);
      }
    });

    it('refuses reads from another origin (a permissive host CORS setup gains nothing)', async () => {
      const response = await api()
        .get('/users')
        .set('Host', 'console.example')
        .set('Origin', 'https://evil.example');
      expectManagementError(response, 403, 'forbidden');
    });

    it.each(['cross-site', 'same-site'])(
      'refuses a DELETE marked Sec-Fetch-Site: %s',
      async (site) => {
        const user = await api().post('/users', { username: `fetch-site-${site}`, password: 'x' });
        const response = await api().delete(`/users/${user.body.id}`).set('Sec-Fetch-Site', site);
        expectManagementError(response, 403, 'forbidden');
        expect((await api().get(`/users/${user.body.id}`)).status).toBe(200);
      },
    );
  });

  describe('the console page', () => {
    it('is served as HTML with a strict, hash-based Content-Security-Policy', async () => {
      const response = await managementClient(app).get();
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("form-action 'none'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);

      const script = response.text.match(/<script>([\s\S]*)<\/script>/)![1];
      const style = response.text.match(/<style>([\s\S]*)<\/style>/)![1];
      const hash = (text: string) => createHash('sha256').update(text).digest('base64');
      expect(csp).toContain(`script-src 'sha256-${hash(script)}'`);
      expect(csp).toContain(`style-src 'sha256-${hash(style)}'`);
      expect(() => new Script(script)).not.toThrow();
      // Under any prefix: the page names no path of its own and loads nothing from elsewhere.
      expect(response.text).not.toContain(MGMT);
      expect(response.text).not.toMatch(/(src|href)="(?!data:)/);
    });

    it('is also served at the path with a trailing slash', async () => {
      const response = await managementClient(app).get('/');
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
    });
  });

  it('answers an unauthenticated browser without a CORS grant', async () => {
    const response = await request(app.getHttpServer())
      .options(`${MGMT}/users`)
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });
});
