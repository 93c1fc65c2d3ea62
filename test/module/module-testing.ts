import {
  Controller,
  Get,
  UseGuards,
  type INestApplication,
  type ModuleMetadata,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  Clock,
  ClientStore,
  OAuthGuard,
  OAuthIdentity,
  Scopes,
  UserRepository,
  type OAuthIdentityInfo,
  type SentinelModuleOptions,
} from '../../src/index.js';
import { mongoUrl, redisUrl, uniqueDbName, uniqueKeyPrefix } from '../harness/backends.js';
import { createPlatformApp, FakeClock, PLATFORMS, type Platform } from '../token/token-testing.js';

export { FakeClock, PLATFORMS, type Platform };

/** A host controller protected by the guard, as an app using the module would write it. */
@Controller('api')
@UseGuards(OAuthGuard)
export class ProtectedController {
  @Get('me')
  me(@OAuthIdentity() identity: OAuthIdentityInfo) {
    return identity;
  }

  @Get('orders')
  @Scopes('orders')
  orders(@OAuthIdentity('userId') userId: string | null) {
    return { userId };
  }
}

/** The two storage configurations every module-level suite runs on. */
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

/** FerretDB + redis-server with the guard's in-process cache (option `localCache`). */
export const LOCAL_CACHE_BACKEND: (typeof BACKENDS)[number] = [
  'FerretDB + redis-server + localCache',
  (label) => ({ ...BACKENDS[1][1](label), localCache: true }),
];

/** Builds and starts an app importing `imports` plus the protected controller. */
export async function startApp(
  imports: ModuleMetadata['imports'],
  clock?: Clock,
  platform: Platform = 'express',
): Promise<INestApplication> {
  let builder = Test.createTestingModule({ imports, controllers: [ProtectedController] });
  if (clock) builder = builder.overrideProvider(Clock).useValue(clock);
  return createPlatformApp(await builder.compile(), platform, { logger: false });
}

export interface Seeded {
  username: string;
  password: string;
  userId: string;
  clientId: string;
}

/** Creates a user and a public client allowed the password and refresh grants. */
export async function seed(app: INestApplication, scope = 'orders profile'): Promise<Seeded> {
  const user = await app.get<UserRepository>(UserRepository).create({
    username: `alice-${Math.floor(Math.random() * 1e9)}`,
    password: 'correct horse battery staple',
  });
  const { client } = await app.get<ClientStore>(ClientStore).create({
    clientName: 'Mobile app',
    clientType: 'public',
    grantTypes: ['password', 'refresh_token'],
    scope,
  });
  return {
    username: user.username,
    password: 'correct horse battery staple',
    userId: user.id,
    clientId: client.clientId,
  };
}

export function passwordGrant(
  app: INestApplication,
  seeded: Seeded,
  extra: Record<string, string> = {},
) {
  return request(app.getHttpServer())
    .post('/oauth/token')
    .type('form')
    .send({
      grant_type: 'password',
      client_id: seeded.clientId,
      username: seeded.username,
      password: seeded.password,
      ...extra,
    });
}

export function refreshGrant(app: INestApplication, clientId: string, refreshToken: string) {
  return request(app.getHttpServer())
    .post('/oauth/token')
    .type('form')
    .send({ grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken });
}

export function callApi(app: INestApplication, accessToken: string, path = '/api/me') {
  return request(app.getHttpServer()).get(path).set('Authorization', `Bearer ${accessToken}`);
}
