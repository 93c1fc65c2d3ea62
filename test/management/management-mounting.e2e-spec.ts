import { afterEach, describe, expect, it } from '@jest/globals';
import { Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { SentinelModule } from '../../src/sentinel.module.js';
import type { SentinelModuleOptions } from '../../src/sentinel-options.js';
import type { SentinelUser, UserStore } from '../../src/storage/user-store.js';
import { ConsentStore } from '../../src/storage/consent-store.js';
import {
  ADMIN,
  CHALLENGE,
  MGMT,
  REALM,
  basicAuth,
  expectManagementError,
  guardStatus,
  managedModule,
  managementClient,
  passwordToken,
  startManagementApp,
  type CapturingLogger,
} from './management-testing.js';

const NOT_MOUNTED =
  /Management \(API and console\) is NOT mounted at \/oauth\/management: no credentials/;
const OPEN = /MANAGEMENT IS OPEN: \/oauth\/management .* WITHOUT authentication/;

/** Stands in for a host's ConfigService. */
class Settings {
  constructor(readonly values: SentinelModuleOptions) {}
}

function viaFactory(values: SentinelModuleOptions): DynamicModule {
  @Module({
    providers: [{ provide: Settings, useValue: new Settings(values) }],
    exports: [Settings],
  })
  class SettingsModule {}
  return SentinelModule.forRootAsync({
    imports: [SettingsModule],
    inject: [Settings],
    useFactory: (settings: Settings) => settings.values,
  });
}

const BYO_USER: SentinelUser = {
  id: 'employee-7',
  username: 'eve@example.com',
  scope: '',
  disabled: false,
  createdAt: new Date(0),
  updatedAt: new Date(0),
};

/** A host's own user system: one employee. */
const hostUsers: UserStore = {
  async verifyCredentials(username, password) {
    return username === BYO_USER.username && password === 'host-password' ? BYO_USER : null;
  },
  async findById(id) {
    return id === BYO_USER.id ? BYO_USER : null;
  },
};

describe('mounting management', () => {
  const apps: INestApplication[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  const start = async (sentinel: DynamicModule) => {
    const started = await startManagementApp(sentinel);
    apps.push(started.app);
    return started;
  };
  const managementWarnings = (logger: CapturingLogger) =>
    logger.warnings.filter((line) => /management/i.test(line));

  it('is not mounted without credentials, and says why once at start-up', async () => {
    const { app, logger } = await start(SentinelModule.forRoot({ bcryptCost: 10 }));
    const anonymous = managementClient(app, '192.0.2.1', MGMT, null);
    expect((await anonymous.get()).status).toBe(404);
    expect((await anonymous.get('/users')).status).toBe(404);
    expect(
      (await managementClient(app).post('/users', { username: 'x', password: 'y' })).status,
    ).toBe(404);
    const warnings = managementWarnings(logger);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(NOT_MOUNTED);
  });

  it('is not mounted and not warned about with managementPath: false', async () => {
    const { app, logger } = await start(managedModule({}, { managementPath: false }));
    expect((await managementClient(app).get('/users')).status).toBe(404);
    expect(managementWarnings(logger)).toEqual([]);
  });

  it('mounts open with dangerouslyAllowUnauthenticated, warns loudly, keeps the CSRF checks', async () => {
    const { app, logger } = await start(
      SentinelModule.forRoot({
        bcryptCost: 10,
        management: { dangerouslyAllowUnauthenticated: true },
      }),
    );
    const anonymous = managementClient(app, '192.0.2.2', MGMT, null);
    const created = await anonymous.post('/users', { username: 'open', password: 'x' });
    expect(created.status).toBe(201);
    expect((await anonymous.get('/users')).body.total).toBe(1);
    expect((await anonymous.get()).status).toBe(200);
    const forged = await anonymous
      .delete(`/users/${created.body.id}`)
      .set('Host', 'console.example')
      .set('Origin', 'https://evil.example');
    expectManagementError(forged, 403, 'forbidden');
    const warnings = managementWarnings(logger);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(OPEN);
  });

  it('requires the credentials when both they and the open flag are set', async () => {
    const { app, logger } = await start(
      managedModule({}, { management: { ...ADMIN, dangerouslyAllowUnauthenticated: true } }),
    );
    expect((await managementClient(app, '192.0.2.3', MGMT, null).get('/users')).status).toBe(401);
    expect((await managementClient(app).get('/users')).status).toBe(200);
    expect(managementWarnings(logger)).toEqual([]);
  });

  describe('with forRootAsync (credentials from the factory)', () => {
    it('protects management with the factory’s credentials', async () => {
      const { app, logger } = await start(
        viaFactory({ bcryptCost: 10, realm: REALM, management: { ...ADMIN } }),
      );
      const anonymous = await managementClient(app, '192.0.2.4', MGMT, null).get('/users');
      expectManagementError(anonymous, 401, 'unauthorized');
      expect(anonymous.headers['www-authenticate']).toBe(CHALLENGE);
      expect((await managementClient(app).get('/users')).status).toBe(200);
      expect(managementWarnings(logger)).toEqual([]);
    });

    it('answers 404 and warns when the factory gives no credentials', async () => {
      const { app, logger } = await start(viaFactory({ bcryptCost: 10 }));
      expect((await managementClient(app).get('/users')).status).toBe(404);
      expect((await managementClient(app).get()).status).toBe(404);
      expect(managementWarnings(logger)[0]).toMatch(NOT_MOUNTED);
    });

    it('mounts open when the factory opts in', async () => {
      const { app, logger } = await start(
        viaFactory({ bcryptCost: 10, management: { dangerouslyAllowUnauthenticated: true } }),
      );
      expect((await managementClient(app, '192.0.2.5', MGMT, null).get('/users')).status).toBe(200);
      expect(managementWarnings(logger)[0]).toMatch(OPEN);
    });
  });

  it('mounts under any prefix and path, and two apps in one process keep their own paths', async () => {
    const first = await start(
      managedModule({}, { routePrefix: '/auth', managementPath: '/admin' }),
    );
    const second = await start(
      managedModule({}, { routePrefix: '/', managementPath: '/ops/console' }),
    );
    const firstApi = managementClient(first.app, '192.0.2.6', '/auth/admin');
    const secondApi = managementClient(second.app, '192.0.2.7', '/ops/console');
    expect((await firstApi.post('/users', { username: 'a1', password: 'x' })).status).toBe(201);
    expect((await secondApi.post('/users', { username: 'b1', password: 'x' })).status).toBe(201);
    expect((await firstApi.get()).headers['content-type']).toMatch(/^text\/html/);
    expect((await secondApi.get()).headers['content-type']).toMatch(/^text\/html/);
    expect(
      (await firstApi.get('/users')).body.items.map((u: { username: string }) => u.username),
    ).toEqual(['a1']);
    expect((await managementClient(first.app).get('/users')).status).toBe(404);
    expect(
      (await managementClient(second.app, '192.0.2.8', '/auth/admin').get('/users')).status,
    ).toBe(404);
  });

  describe('management.consoleFile', () => {
    let dir: string | undefined;
    afterEach(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
      dir = undefined;
    });

    it('serves the host’s page instead of the built-in one, with a same-origin CSP', async () => {
      dir = await mkdtemp(join(tmpdir(), 'sentinel-console-'));
      const file = join(dir, 'console.html');
      await writeFile(
        file,
        '<!doctype html><title>Acme admin</title><script src="admin.js"></script>',
      );
      const { app } = await start(
        managedModule({}, { management: { ...ADMIN, consoleFile: file } }),
      );
      const response = await managementClient(app).get();
      expect(response.status).toBe(200);
      expect(response.text).toContain('<title>Acme admin</title>');
      expect(response.text).not.toContain('Sentinel management');
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect((await managementClient(app, '192.0.2.9', MGMT, null).get()).status).toBe(401);
    });

    it('fails at start-up, naming the option, when the file cannot be read', async () => {
      await expect(
        startManagementApp(
          managedModule({}, { management: { ...ADMIN, consoleFile: '/nonexistent/console.html' } }),
        ),
      ).rejects.toThrow(/"management\.consoleFile".*ENOENT/);
    });
  });

  it('answers the users endpoints with 404 users_not_managed when the host brings its users (consents excepted)', async () => {
    const { app } = await start(managedModule({}, { userStore: hostUsers }));
    const api = managementClient(app);
    for (const response of [
      await api.get('/users'),
      await api.post('/users', { username: 'x', password: 'y' }),
      await api.get(`/users/${BYO_USER.id}`),
      await api.patch(`/users/${BYO_USER.id}`, { disabled: true }),
      await api.delete(`/users/${BYO_USER.id}`),
    ]) {
      expectManagementError(response, 404, 'users_not_managed');
      expect(response.body.message).toMatch(/userStore/);
    }
    // Clients and tokens are still managed here, including the tokens of the host's users.
    const client = await api.post('/clients', { client_name: 'Intranet', client_type: 'public' });
    expect(client.status).toBe(201);
    const token = await passwordToken(app, client.body, BYO_USER.username, 'host-password');
    expect(await guardStatus(app, token.access_token)).toBe(200);
    const tokens = await api.get('/tokens').query({ user_id: BYO_USER.id });
    expect(tokens.body.total).toBe(1);
    expect((await api.delete(`/tokens?user_id=${BYO_USER.id}`)).body).toEqual({ revoked: 1 });
    expect(await guardStatus(app, token.access_token)).toBe(401);
    // So are their consents: listed and withdrawn by the host's user id (ADR 0019).
    const consents = app.get<ConsentStore>(ConsentStore);
    await consents.grant(BYO_USER.id, client.body.client_id as string, ['orders']);
    const listed = await api.get(`/users/${BYO_USER.id}/consents`);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toMatchObject([
      { client_id: client.body.client_id, scope: 'orders' },
    ]);
    expectManagementError(await api.get('/users/not-a-host-user/consents'), 404, 'not_found');
    const withdrawn = await api.delete(`/users/${BYO_USER.id}/consents/${client.body.client_id}`);
    expect(withdrawn.status).toBe(204);
    expect(await consents.find(BYO_USER.id, client.body.client_id as string)).toBeNull();
  });
});

describe('management on Fastify', () => {
  let app: NestFastifyApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('serves the API, the console and the same errors', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [managedModule({})] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: false,
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    const server = app.getHttpServer();
    const auth = basicAuth(ADMIN.username, ADMIN.password);

    const created = await request(server)
      .post(`${MGMT}/users`)
      .set('Authorization', auth)
      .send({ username: 'fast', password: 'x' });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const list = await request(server).get(`${MGMT}/users`).set('Authorization', auth);
    expect(list.body).toMatchObject({ total: 1, page: 1, per_page: 20 });

    const invalid = await request(server)
      .post(`${MGMT}/users`)
      .set('Authorization', auth)
      .send({ username: { $ne: '' }, password: 'x' });
    expectManagementError(invalid, 400, 'invalid_input', 'username');

    const anonymous = await request(server).get(`${MGMT}/users`);
    expectManagementError(anonymous, 401, 'unauthorized');
    expect(anonymous.headers['www-authenticate']).toBe(CHALLENGE);

    const page = await request(server).get(MGMT).set('Authorization', auth);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");

    const form = await request(server)
      .post(`${MGMT}/users`)
      .set('Authorization', auth)
      .type('form')
      .send('username=form&password=x');
    expect(form.status).toBe(415);
    const after = await request(server).get(`${MGMT}/users`).set('Authorization', auth);
    expect(after.body.total).toBe(1);
  });
});
