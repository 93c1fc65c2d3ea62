import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { SentinelModule, UserRepository, type SentinelModuleOptions } from '../../src/index.js';
import { basicAuth } from '../management/management-testing.js';
import { BACKENDS, callApi, startApp } from '../module/module-testing.js';
import { basic } from '../token/token-testing.js';
import { OTP_GRANT, OtpGrant, OtpModule, OtpService } from './otp-grant.fixture.js';

const ADMIN = { username: 'admin', password: 'correct horse management' };
const MGMT = '/oauth/management';
const UNAUTHORIZED_CLIENT_DOCS = 'https://docs.example.com/oauth/errors#unauthorized_client';

function options(backend: SentinelModuleOptions): SentinelModuleOptions {
  return {
    ...backend,
    bcryptCost: 10,
    accessTokenTtl: 600,
    management: ADMIN,
    grantLifetimes: { [OTP_GRANT]: { accessTokenTtl: 120 } },
    errorUris: { unauthorized_client: UNAUTHORIZED_CLIENT_DOCS },
  };
}

function management(app: INestApplication) {
  const auth = basicAuth(ADMIN.username, ADMIN.password);
  return {
    post: (path: string, body: object) =>
      request(app.getHttpServer()).post(`${MGMT}${path}`).set('Authorization', auth).send(body),
    get: (path: string) =>
      request(app.getHttpServer()).get(`${MGMT}${path}`).set('Authorization', auth),
  };
}

function otpToken(app: INestApplication, client: { id: string; secret: string }, otp: string) {
  return request(app.getHttpServer())
    .post('/oauth/token')
    .type('form')
    .set('Authorization', basic(client.id, client.secret))
    .send(new URLSearchParams({ grant_type: OTP_GRANT, otp }).toString());
}

describe.each(BACKENDS)('A host grant in the registry (%s)', (_name, backendOptions) => {
  let app: INestApplication;
  let userId: string;
  let otpClient: { id: string; secret: string };
  let passwordOnlyClient: { id: string; secret: string };

  beforeAll(async () => {
    app = await startApp([
      OtpModule,
      SentinelModule.forRoot({
        ...options(backendOptions('custom-grant')),
        grants: [{ grantType: OTP_GRANT, useClass: OtpGrant }],
      }),
    ]);
    const user = await app.get<UserRepository>(UserRepository).create({
      username: 'otp-user',
      password: 'correct horse battery staple',
      scope: 'orders profile',
    });
    userId = user.id;
    const created = await management(app).post('/clients', {
      client_name: 'Kiosk',
      client_type: 'confidential',
      grant_types: [OTP_GRANT],
      scope: 'orders',
    });
    expect(created.status).toBe(201);
    expect(created.body.grant_types).toEqual([OTP_GRANT]);
    otpClient = { id: created.body.client_id, secret: created.body.client_secret };
    const other = await management(app).post('/clients', {
      client_name: 'Password app',
      client_type: 'confidential',
      grant_types: ['password'],
    });
    passwordOnlyClient = { id: other.body.client_id, secret: other.body.client_secret };
  });

  afterAll(async () => {
    await app?.close();
  });

  it('issues a token the guard accepts, with the grant’s own lifetime (grantLifetimes)', async () => {
    const otp = app.get(OtpService).issue(userId);
    const res = await otpToken(app, otpClient, otp);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 120,
      scope: 'orders',
    });
    const me = await callApi(app, res.body.access_token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ userId, clientId: otpClient.id, scope: ['orders'] });
  });

  it('renders the grant’s own OAuthException as RFC 6749 §5.2 says (a used code)', async () => {
    const otp = app.get(OtpService).issue(userId);
    expect((await otpToken(app, otpClient, otp)).status).toBe(200);
    const again = await otpToken(app, otpClient, otp);
    expect(again.status).toBe(400);
    expect(again.body).toEqual({
      error: 'invalid_grant',
      error_description: 'Invalid one-time code',
    });
    expect(again.headers['cache-control']).toBe('no-store');
  });

  it('refuses a client that does not list the grant with unauthorized_client and its error_uri', async () => {
    const otp = app.get(OtpService).issue(userId);
    const res = await otpToken(app, passwordOnlyClient, otp);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'unauthorized_client',
      error_description: 'The client may not use this grant type',
      error_uri: UNAUTHORIZED_CLIENT_DOCS,
    });
    // The code was not spent: the grant never ran.
    expect((await otpToken(app, otpClient, otp)).status).toBe(200);
  });

  it('advertises the grant in the metadata (RFC 8414 grant_types_supported)', async () => {
    const res = await request(app.getHttpServer()).get('/.well-known/oauth-authorization-server');
    expect(res.status).toBe(200);
    expect(res.body.grant_types_supported).toEqual([
      'authorization_code',
      'password',
      'refresh_token',
      'client_credentials',
      'urn:ietf:params:oauth:grant-type:device_code',
      OTP_GRANT,
    ]);
  });

  it('lets management give a client only registered grant types, naming them all', async () => {
    const res = await management(app).post('/clients', {
      client_name: 'Typo',
      client_type: 'confidential',
      grant_types: ['urn:example:params:oauth:grant-type:otq'],
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: 'invalid_input',
      field: 'grant_types',
      message: `grant_types must only contain authorization_code, password, refresh_token, client_credentials, urn:ietf:params:oauth:grant-type:device_code, ${OTP_GRANT}`,
    });
  });

  it('offers the grant as a checkbox in the console', async () => {
    const res = await management(app).get('');
    expect(res.status).toBe(200);
    expect(res.text).toContain(`<input type="checkbox" name="grant_types" value="${OTP_GRANT}">`);
  });
});

describe('A host grant with forRootAsync (given statically, like the routes)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await startApp([
      OtpModule,
      SentinelModule.forRootAsync({
        grants: [{ grantType: OTP_GRANT, useClass: OtpGrant, confidentialClientsOnly: true }],
        useFactory: () => options({}),
      }),
    ]);
  });

  afterAll(async () => {
    await app?.close();
  });

  it('dispatches to it and keeps it from public clients (confidentialClientsOnly)', async () => {
    const user = await app.get<UserRepository>(UserRepository).create({
      username: 'async-otp-user',
      password: 'correct horse battery staple',
    });
    const created = await management(app).post('/clients', {
      client_name: 'Kiosk',
      client_type: 'confidential',
      grant_types: [OTP_GRANT],
    });
    const client = { id: created.body.client_id, secret: created.body.client_secret };
    const res = await otpToken(app, client, app.get(OtpService).issue(user.id));
    expect(res.status).toBe(200);
    expect(res.body.expires_in).toBe(120);

    const publicClient = await management(app).post('/clients', {
      client_name: 'Phone',
      client_type: 'public',
      grant_types: [OTP_GRANT],
    });
    expect(publicClient.status).toBe(400);
    expect(publicClient.body).toMatchObject({
      field: 'grant_types',
      message: `${OTP_GRANT} is only allowed for confidential clients`,
    });
  });
});
