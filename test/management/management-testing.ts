import { expect } from '@jest/globals';
import {
  Controller,
  Get,
  UseGuards,
  type DynamicModule,
  type INestApplication,
  type LoggerService,
} from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { Clock } from '../../src/clock.js';
import { OAuthGuard } from '../../src/guard/oauth.guard.js';
import { OAuthIdentity } from '../../src/guard/oauth-identity.decorator.js';
import type { OAuthIdentity as OAuthIdentityInfo } from '../../src/guard/oauth-identity.js';
import { SentinelModule } from '../../src/sentinel.module.js';
import type { SentinelModuleOptions } from '../../src/sentinel-options.js';
import { mongoUrl, redisUrl, uniqueDbName, uniqueKeyPrefix } from '../harness/backends.js';
import { FakeClock } from '../token/token-testing.js';

export { FakeClock };

export const MGMT = '/oauth/management';
export const REALM = 'mgmt-e2e';
export const ADMIN = { username: 'admin', password: 'correct horse management' } as const;
export const CHALLENGE = `Basic realm="${REALM}", charset="UTF-8"`;

/** The two storage configurations every management suite runs on. */
export const BACKENDS: Array<[string, (label: string) => SentinelModuleOptions]> = [
  ['in-memory default', () => ({})],
  [
    'FerretDB + redis-server',
    (label) => ({
      mongo: { uri: mongoUrl(), dbName: uniqueDbName(label) },
      redis: redisUrl(),
      keyPrefix: uniqueKeyPrefix(label),
    }),
  ],
];

/** A host route behind the guard: cascade revocations must show here at once. */
@Controller('api')
@UseGuards(OAuthGuard)
export class ProtectedController {
  @Get('me')
  me(@OAuthIdentity() identity: OAuthIdentityInfo): OAuthIdentityInfo {
    return identity;
  }
}

/** Collects what the module logs, to check its start-up warnings. */
export class CapturingLogger implements LoggerService {
  readonly warnings: string[] = [];
  readonly errors: string[] = [];
  log(): void {}
  debug(): void {}
  verbose(): void {}
  warn(message: unknown): void {
    this.warnings.push(String(message));
  }
  error(message: unknown): void {
    this.errors.push(String(message));
  }
}

export interface ManagementApp {
  app: INestApplication;
  clock: FakeClock;
  logger: CapturingLogger;
}

/**
 * Starts an Express app importing `sentinel` (a `forRoot`/`forRootAsync` module) plus the
 * protected controller, with a fake clock. `trust proxy` is on for loopback, so tests pick the
 * client address with `X-Forwarded-For` (the throttle keys on it).
 */
export async function startManagementApp(sentinel: DynamicModule): Promise<ManagementApp> {
  const clock = new FakeClock();
  const logger = new CapturingLogger();
  const moduleRef = await Test.createTestingModule({
    imports: [sentinel],
    controllers: [ProtectedController],
  })
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger });
  app.set('trust proxy', 'loopback');
  await app.init();
  return { app, clock, logger };
}

/** `SentinelModule.forRoot` with management credentials, the test realm and bcrypt cost 10. */
export function managedModule(
  backend: SentinelModuleOptions,
  extra: SentinelModuleOptions = {},
): DynamicModule {
  return SentinelModule.forRoot({
    bcryptCost: 10,
    realm: REALM,
    accessTokenTtl: 600,
    refreshTokenTtl: 3600,
    management: { ...ADMIN },
    ...backend,
    ...extra,
  });
}

export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

let addressCounter = 0;
/** A fresh documentation address (RFC 5737), so throttling in one test never spills over. */
export function freshAddress(): string {
  addressCounter += 1;
  return `198.51.100.${addressCounter % 250}`;
}

/** Management requests from one client address, with admin credentials unless `null`. */
export function managementClient(
  app: INestApplication,
  address = '192.0.2.10',
  base = MGMT,
  authorization: string | null = basicAuth(ADMIN.username, ADMIN.password),
) {
  const server = app.getHttpServer();
  const prepare = (test: request.Test): request.Test => {
    test.set('X-Forwarded-For', address);
    return authorization === null ? test : test.set('Authorization', authorization);
  };
  return {
    get: (path = '') => prepare(request(server).get(`${base}${path}`)),
    post: (path: string, body?: unknown) => {
      const test = prepare(request(server).post(`${base}${path}`));
      return body === undefined
        ? test.set('Content-Type', 'application/json')
        : test.send(body as object);
    },
    patch: (path: string, body: unknown) =>
      prepare(request(server).patch(`${base}${path}`)).send(body as object),
    delete: (path: string) => prepare(request(server).delete(`${base}${path}`)),
  };
}

export type ManagementClient = ReturnType<typeof managementClient>;

/** `Authorization: Basic` for a client at the token endpoint (RFC 6749 §2.3.1). */
export function clientAuth(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return basicAuth(encode(clientId), encode(clientSecret));
}

/** A password-grant token for `username` through the real token endpoint. */
export async function passwordToken(
  app: INestApplication,
  client: { client_id: string; client_secret?: string },
  username: string,
  password: string,
): Promise<{ access_token: string; refresh_token?: string }> {
  const test = request(app.getHttpServer()).post('/oauth/token').type('form');
  const form: Record<string, string> = { grant_type: 'password', username, password };
  if (client.client_secret === undefined) form.client_id = client.client_id;
  else test.set('Authorization', clientAuth(client.client_id, client.client_secret));
  const response = await test.send(new URLSearchParams(form).toString());
  if (response.status !== 200) {
    throw new Error(`token endpoint answered ${response.status}: ${response.text}`);
  }
  return response.body as { access_token: string; refresh_token?: string };
}

/** Calls the guarded host route with a bearer token; resolves to the status. */
export async function guardStatus(app: INestApplication, accessToken: string): Promise<number> {
  const response = await request(app.getHttpServer())
    .get('/api/me')
    .set('Authorization', `Bearer ${accessToken}`);
  return response.status;
}

/** Asserts the JSON error shape every management error has: status, code, field, no stack. */
export function expectManagementError(
  response: request.Response,
  status: number,
  error: string,
  field?: string,
): void {
  const body = response.body as { error?: unknown; message?: unknown; field?: unknown };
  expect({ status: response.status, error: body.error, field: body.field }).toEqual({
    status,
    error,
    field: field ?? body.field,
  });
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.headers['cache-control']).toBe('no-store');
  expect(typeof body.message).toBe('string');
  expect(response.text).not.toMatch(/\bat \w+ \(/);
}
