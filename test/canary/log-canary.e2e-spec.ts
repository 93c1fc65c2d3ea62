import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CapturingLogger, render } from './capturing-logger.js';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { SentinelModule } from '../../src/index.js';
import { uniqueDbName, uniqueKeyPrefix } from '../harness/backends.js';
import {
  eventually,
  privateFerretDb,
  privateRedis,
  type PrivateService,
} from '../faults/fault-testing.js';
import { ProtectedController } from '../module/module-testing.js';
import {
  TestBrowser,
  answerOf,
  authorizePath,
  formsOf,
  pkcePair,
} from '../authorization/authorization-testing.js';

// docs/security.md 22 and 35: a full flow — management, token, refresh, revoke, introspect,
// failures, lockouts, the authorization code flow with its pages, and both backends failing —
// while every line the module logs (Nest Logger and the console) is captured. No line may
// contain a password, token, client secret, Authorization header value, authorization code,
// PKCE verifier, session or browser id, pending-request id or CSRF token used in the run.

const ADMIN = { username: 'canary-admin', password: 'canary-admin-password-7f3a' };
const PASSWORD = 'canary-user-password-91be';
const WRONG_PASSWORD = 'canary-wrong-password-c4d2';
const WRONG_SECRET = 'canary-wrong-secret-5e6f';
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('log canary (docs/security.md 22)', () => {
  const logger = new CapturingLogger();
  const consoleLines: string[] = [];
  const spies: Array<{ mockRestore(): void }> = [];
  let redis: PrivateService;
  let ferret: PrivateService;
  let app: NestExpressApplication;
  /** Every credential the run used: none may appear in a log line. */
  const secrets = new Set<string>([ADMIN.password, PASSWORD, WRONG_PASSWORD, WRONG_SECRET]);

  beforeAll(async () => {
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      spies.push(
        jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
          consoleLines.push(args.map(render).join(' '));
        }),
      );
    }
    redis = await privateRedis();
    ferret = await privateFerretDb();
    const moduleRef = await Test.createTestingModule({
      imports: [
        SentinelModule.forRoot({
          mongo: { uri: ferret.handle.url, dbName: uniqueDbName('canary') },
          redis: redis.handle.url,
          keyPrefix: uniqueKeyPrefix('canary'),
          bcryptCost: 10,
          redisTimeoutMs: 300,
          mongoTimeoutMs: 1500,
          management: ADMIN,
        }),
      ],
      controllers: [ProtectedController],
    }).compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ logger });
    app.set('trust proxy', 'loopback');
    await app.init();
  }, 60_000);

  afterAll(async () => {
    await ferret.handle.start();
    await redis.handle.start();
    await app.close();
    await redis.close();
    await ferret.close();
    for (const spy of spies) spy.mockRestore();
  }, 60_000);

  it('logs no password, token, client secret or Authorization value during a full flow with faults', async () => {
    const server = app.getHttpServer();
    const adminAuth = basic(ADMIN.username, ADMIN.password);
    secrets.add(adminAuth);
    const mgmt = (path: string) => `/oauth/management${path}`;

    // Management: a user, a public and a confidential client; a failed admin sign-in.
    const user = await request(server)
      .post(mgmt('/users'))
      .set('Authorization', adminAuth)
      .send({ username: 'canary-user', password: PASSWORD });
    expect(user.status).toBe(201);
    const wrongAdmin = basic(ADMIN.username, WRONG_PASSWORD);
    secrets.add(wrongAdmin);
    expect(
      (await request(server).get(mgmt('/users')).set('Authorization', wrongAdmin)).status,
    ).toBe(401);
    const publicClient = (
      await request(server)
        .post(mgmt('/clients'))
        .set('Authorization', adminAuth)
        .send({ client_name: 'canary app', client_type: 'public' })
    ).body;
    const confidential = (
      await request(server)
        .post(mgmt('/clients'))
        .set('Authorization', adminAuth)
        .send({
          client_name: 'canary service',
          client_type: 'confidential',
          grant_types: ['client_credentials', 'password', 'refresh_token'],
        })
    ).body;
    expect(typeof confidential.client_secret).toBe('string');
    secrets.add(confidential.client_secret);
    const confidentialAuth = basic(confidential.client_id, confidential.client_secret);
    const wrongClientAuth = basic(confidential.client_id, WRONG_SECRET);
    secrets.add(confidentialAuth).add(wrongClientAuth);
    const rotated = await request(server)
      .post(mgmt(`/clients/${confidential.client_id}/secret`))
      .set('Authorization', adminAuth);
    secrets.add(rotated.body.client_secret);
    const serviceAuth = basic(confidential.client_id, rotated.body.client_secret);
    secrets.add(serviceAuth);

    const token = (form: Record<string, string>, authorization?: string) => {
      const req = request(server).post('/oauth/token').type('form');
      if (authorization) req.set('Authorization', authorization);
      return req.send(new URLSearchParams(form).toString());
    };
    const logIn = (password: string) =>
      token({
        grant_type: 'password',
        client_id: publicClient.client_id,
        username: 'canary-user',
        password,
      });
    const remember = (body: { access_token?: string; refresh_token?: string }) => {
      if (body.access_token) secrets.add(body.access_token).add(`Bearer ${body.access_token}`);
      if (body.refresh_token) secrets.add(body.refresh_token);
      return body;
    };

    // Token endpoint: success, failures, a lockout, refresh, client credentials.
    const login = remember((await logIn(PASSWORD)).body);
    expect(login.access_token).toBeDefined();
    for (let i = 0; i < 7; i++) {
      await logIn(WRONG_PASSWORD);
    }
    for (let i = 0; i < 12; i++) await token({ grant_type: 'client_credentials' }, wrongClientAuth);
    const refreshed = remember(
      (
        await token({
          grant_type: 'refresh_token',
          client_id: publicClient.client_id,
          refresh_token: login.refresh_token!,
        })
      ).body,
    );
    // Reuse of the rotated refresh token: the family is revoked (and logged).
    await token({
      grant_type: 'refresh_token',
      client_id: publicClient.client_id,
      refresh_token: login.refresh_token!,
    });
    expect(refreshed.access_token).toBeDefined();
    const service = await request(server)
      .post('/oauth/introspect')
      .type('form')
      .set('Authorization', serviceAuth)
      .send(`token=${refreshed.access_token}`);
    expect(service.status).toBeLessThan(500);
    await request(server).get('/api/me').set('Authorization', `Bearer ${refreshed.access_token}`);
    await request(server).get('/api/me').set('Authorization', `Bearer ${WRONG_SECRET}`);

    // The authorization code flow (issue 13): pages, a wrong password, consent, redemption,
    // a reused code (revokes and logs), prompt=none; every id, token and code is a secret.
    const REDIRECT = 'https://canary.example/callback';
    // Another user: canary-user is locked out by the failures above.
    await request(server)
      .post(mgmt('/users'))
      .set('Authorization', adminAuth)
      .send({ username: 'canary-browser', password: PASSWORD });
    const codeClient = (
      await request(server)
        .post(mgmt('/clients'))
        .set('Authorization', adminAuth)
        .send({
          client_name: 'canary web',
          client_type: 'public',
          grant_types: ['authorization_code', 'refresh_token'],
          redirect_uris: [REDIRECT],
        })
    ).body;
    const browser = new TestBrowser(app);
    const pkce = pkcePair();
    secrets.add(pkce.verifier);
    const parked = await browser.get(
      authorizePath(codeClient.client_id, REDIRECT, pkce.challenge, { scope: undefined }),
    );
    const interaction = parked.headers.location as string;
    secrets.add(interaction.split('/').pop()!);
    const signInPage = await browser.get(interaction);
    secrets.add(browser.cookie!);
    const [signInForm] = formsOf(signInPage.text);
    secrets.add(signInForm.fields.csrf_token);
    await browser.post(signInForm.action, {
      ...signInForm.fields,
      username: 'canary-browser',
      password: WRONG_PASSWORD,
    });
    const signedIn = await browser.post(signInForm.action, {
      ...signInForm.fields,
      username: 'canary-browser',
      password: PASSWORD,
    });
    expect(signedIn.status).toBe(303);
    secrets.add(browser.cookie!);
    const consentPage = await browser.get(signedIn.headers.location);
    const [consentForm] = formsOf(consentPage.text);
    secrets.add(consentForm.fields.csrf_token);
    const answered = await browser.post(consentForm.action, {
      ...consentForm.fields,
      decision: 'allow',
    });
    const { code } = answerOf(answered.headers.location);
    secrets.add(code);
    const redeem = () =>
      token({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        client_id: codeClient.client_id,
        code_verifier: pkce.verifier,
      });
    expect(remember((await redeem()).body).access_token).toBeDefined();
    expect((await redeem()).status).toBe(400);
    await browser.get(
      authorizePath(codeClient.client_id, REDIRECT, pkce.challenge, {
        scope: undefined,
        prompt: 'none',
      }),
    );

    // Faults: Redis, then MongoDB, go away and come back.
    const second = remember((await logIn(PASSWORD)).body);
    await redis.handle.stop();
    await request(server).get('/api/me').set('Authorization', `Bearer ${second.access_token}`);
    // The pages while Redis is down: 503, nothing decided.
    expect((await browser.get(interaction)).status).toBe(503);
    await request(server)
      .post('/oauth/revoke')
      .type('form')
      .send(`client_id=${publicClient.client_id}&token=${second.refresh_token}`);
    remember((await logIn(PASSWORD)).body);
    await redis.handle.start();
    await ferret.handle.stop();
    await token({ grant_type: 'client_credentials' }, serviceAuth);
    await request(server).get('/api/me').set('Authorization', `Bearer ${second.access_token}`);
    await request(server).get(mgmt('/users')).set('Authorization', adminAuth);
    await ferret.handle.start();
    await eventually(
      async () =>
        (await request(server).get(mgmt('/users')).set('Authorization', adminAuth)).status === 200,
      'recovery after MongoDB returned',
    );
    await request(server)
      .delete(mgmt(`/tokens?user_id=${user.body.id}`))
      .set('Authorization', adminAuth);

    const lines = [...logger.lines, ...consoleLines];
    // The run did log: start-up, the outages and recoveries, the reuse.
    expect(lines.some((line) => /Redis/i.test(line))).toBe(true);
    expect(lines.some((line) => /reuse/i.test(line))).toBe(true);
    const leaks = lines.filter((line) => [...secrets].some((secret) => line.includes(secret)));
    expect(leaks).toEqual([]);
    expect(secrets.size).toBeGreaterThan(15);
  }, 180_000);
});
