import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Module } from '@nestjs/common';
import request from 'supertest';
import { SentinelModule, type SentinelModuleOptions } from '../../src/index.js';
import { createPlatformApp } from '../token/token-testing.js';
import {
  BACKENDS,
  FakeClock,
  LOCAL_CACHE_BACKEND,
  PLATFORMS,
  callApi,
  passwordGrant,
  refreshGrant,
  seed,
  startApp,
  type Platform,
} from './module-testing.js';

/** Stands in for a host's ConfigService: options arrive through DI. */
class SettingsService {
  constructor(readonly values: SentinelModuleOptions) {}
}

function asyncImport(options: SentinelModuleOptions) {
  @Module({
    providers: [{ provide: SettingsService, useValue: new SettingsService(options) }],
    exports: [SettingsService],
  })
  class SettingsModule {}
  return SentinelModule.forRootAsync({
    imports: [SettingsModule],
    inject: [SettingsService],
    useFactory: async (settings: SettingsService) => settings.values,
  });
}

const REGISTRATIONS: Array<[string, (options: SentinelModuleOptions) => unknown]> = [
  ['forRoot', (options) => SentinelModule.forRoot(options)],
  ['forRootAsync', asyncImport],
];

describe.each(PLATFORMS)('on %s', (platform) => {
  fullFlow(platform);
  routeOptions(platform);
});

function fullFlow(platform: Platform): void {
  describe.each([...BACKENDS, LOCAL_CACHE_BACKEND])(
    'SentinelModule full flow on %s (docs/security.md 1–9)',
    (_name, backend) => {
      describe.each(REGISTRATIONS)('registered with %s', (_how, register) => {
        let app: INestApplication;
        const clock = new FakeClock();

        afterEach(async () => {
          await app?.close();
        });

        async function start(extra: SentinelModuleOptions = {}) {
          app = await startApp(
            [
              register({
                ...backend('module'),
                bcryptCost: 10,
                accessTokenTtl: 600,
                refreshTokenTtl: 3600,
                ...extra,
              }) as never,
            ],
            clock,
            platform,
          );
          return seed(app);
        }

        it('issues a token, the guard accepts it, refresh rotates, reuse revokes the family', async () => {
          const seeded = await start();
          const issued = await passwordGrant(app, seeded).expect(200);
          expect(issued.headers['cache-control']).toBe('no-store');
          expect(issued.body).toEqual({
            access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
            token_type: 'Bearer',
            expires_in: 600,
            refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
            scope: 'orders profile',
          });

          const me = await callApi(app, issued.body.access_token).expect(200);
          expect(me.body).toMatchObject({
            userId: seeded.userId,
            clientId: seeded.clientId,
            scope: ['orders', 'profile'],
          });
          await callApi(app, issued.body.access_token, '/api/orders').expect(200);

          const rotated = await refreshGrant(
            app,
            seeded.clientId,
            issued.body.refresh_token,
          ).expect(200);
          expect(rotated.body.refresh_token).not.toBe(issued.body.refresh_token);
          await callApi(app, rotated.body.access_token).expect(200);

          // Presenting the rotated (used) refresh token again is reuse: the family dies at once.
          const reuse = await refreshGrant(app, seeded.clientId, issued.body.refresh_token).expect(
            400,
          );
          expect(reuse.body.error).toBe('invalid_grant');
          const rejected = await callApi(app, rotated.body.access_token).expect(401);
          expect(rejected.headers['www-authenticate']).toContain('error="invalid_token"');
          await refreshGrant(app, seeded.clientId, rotated.body.refresh_token).expect(400);
        });

        it('lets one user hold many live tokens (one per device)', async () => {
          const seeded = await start();
          const phone = await passwordGrant(app, seeded).expect(200);
          const laptop = await passwordGrant(app, seeded).expect(200);
          await callApi(app, phone.body.access_token).expect(200);
          await callApi(app, laptop.body.access_token).expect(200);
        });

        it('of ten concurrent refreshes with one token exactly one wins (docs/security.md 6)', async () => {
          const seeded = await start();
          const issued = await passwordGrant(app, seeded).expect(200);
          const results = await Promise.all(
            Array.from({ length: 10 }, () =>
              refreshGrant(app, seeded.clientId, issued.body.refresh_token),
            ),
          );
          expect(results.filter((r) => r.status === 200)).toHaveLength(1);
          expect(
            results.filter((r) => r.status === 400).every((r) => r.body.error === 'invalid_grant'),
          ).toBe(true);
        });

        it('expires access and refresh tokens on the clock', async () => {
          const seeded = await start();
          const issued = await passwordGrant(app, seeded).expect(200);
          clock.advanceSeconds(601);
          await callApi(app, issued.body.access_token).expect(401);
          const refreshed = await refreshGrant(
            app,
            seeded.clientId,
            issued.body.refresh_token,
          ).expect(200);
          await callApi(app, refreshed.body.access_token).expect(200);
          clock.advanceSeconds(3601);
          const late = await refreshGrant(
            app,
            seeded.clientId,
            refreshed.body.refresh_token,
          ).expect(400);
          expect(late.body.error).toBe('invalid_grant');
        });

        it('gives unknown user and wrong password byte-identical answers (docs/security.md 4)', async () => {
          const seeded = await start();
          const wrong = await passwordGrant(app, seeded, { password: 'nope' }).expect(400);
          const unknown = await passwordGrant(app, seeded, { username: 'nobody-here' }).expect(400);
          expect(wrong.text).toBe(unknown.text);
          expect(JSON.parse(wrong.text).error).toBe('invalid_grant');
        });

        it('refuses NoSQL operators and JSON bodies, issuing nothing (docs/security.md 1, 2)', async () => {
          const seeded = await start();
          const server = app.getHttpServer();
          const operator = await request(server)
            .post('/oauth/token')
            .type('form')
            .send(
              `grant_type=password&client_id=${seeded.clientId}&username=${seeded.username}&password[$ne]=x`,
            )
            .expect(400);
          expect(operator.body.access_token).toBeUndefined();
          const json = await request(server)
            .post('/oauth/token')
            .send({
              grant_type: 'password',
              client_id: seeded.clientId,
              username: seeded.username,
              password: { $ne: '' },
            })
            .expect(400);
          expect(json.body.error).toBe('invalid_request');
        });
      });
    },
  );
}

function routeOptions(platform: Platform): void {
  describe('route options', () => {
    let app: INestApplication | undefined;
    afterEach(async () => {
      await app?.close();
      app = undefined;
    });

    it('mounts the token endpoint under a custom prefix and path', async () => {
      app = await startApp(
        [SentinelModule.forRoot({ routePrefix: '/auth/v2', tokenPath: '/issue', bcryptCost: 10 })],
        undefined,
        platform,
      );
      const seeded = await seed(app);
      await request(app.getHttpServer()).post('/oauth/token').type('form').send({}).expect(404);
      const issued = await request(app.getHttpServer())
        .post('/auth/v2/issue')
        .type('form')
        .send({
          grant_type: 'password',
          client_id: seeded.clientId,
          username: seeded.username,
          password: seeded.password,
        })
        .expect(200);
      await callApi(app, issued.body.access_token).expect(200);
    });

    it('disables the token endpoint with tokenPath: false', async () => {
      app = await startApp(
        [SentinelModule.forRoot({ tokenPath: false, bcryptCost: 10 })],
        undefined,
        platform,
      );
      await request(app.getHttpServer()).post('/oauth/token').type('form').send({}).expect(404);
    });

    it('takes forRootAsync routes from the routes extra', async () => {
      app = await startApp(
        [
          SentinelModule.forRootAsync({
            routes: { routePrefix: '/id' },
            useFactory: () => ({ bcryptCost: 10 }),
          }),
        ],
        undefined,
        platform,
      );
      await request(app.getHttpServer()).post('/id/token').type('form').send({}).expect(401);
    });

    it('fails at bootstrap when the async factory contradicts the mounted routes', async () => {
      await expect(
        startApp(
          [SentinelModule.forRootAsync({ useFactory: () => ({ routePrefix: '/elsewhere' }) })],
          undefined,
          platform,
        ),
      ).rejects.toThrow(/"routePrefix"/);
    });

    it('fails at bootstrap naming the field of a bad option', async () => {
      // forRoot does not throw while the host's module is defined: the app's start fails.
      const badForRoot = SentinelModule.forRoot({ bcryptCost: 4 });
      await expect(startApp([badForRoot], undefined, platform)).rejects.toThrow(/"bcryptCost"/);
      await expect(
        startApp(
          [SentinelModule.forRootAsync({ useFactory: () => ({ accessTokenTtl: -1 }) })],
          undefined,
          platform,
        ),
      ).rejects.toThrow(/"accessTokenTtl"/);
    });

    it("leaves the host app's body parsing of its other routes unchanged", async () => {
      const { Body, Controller, Post } = await import('@nestjs/common');
      @Controller('host')
      class HostController {
        @Post('echo')
        echo(@Body() body: unknown) {
          return body;
        }
      }
      const { Test } = await import('@nestjs/testing');
      const moduleRef = await Test.createTestingModule({
        imports: [SentinelModule.forRoot({ bcryptCost: 10 })],
        controllers: [HostController],
      }).compile();
      app = await createPlatformApp(moduleRef, platform, { logger: false });
      // The platform's default parsing still applies to the host's own routes: Express's qs
      // (extended) nests brackets, Fastify's @fastify/formbody keeps the name literal.
      const echoed = await request(app.getHttpServer())
        .post('/host/echo')
        .type('form')
        .send('a[b]=1')
        .expect(201);
      expect(echoed.body).toEqual(platform === 'express' ? { a: { b: '1' } } : { 'a[b]': '1' });
      const json = await request(app.getHttpServer()).post('/host/echo').send({ x: 1 }).expect(201);
      expect(json.body).toEqual({ x: 1 });
    });
  });
}
