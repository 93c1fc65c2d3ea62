import type { INestApplication, NestApplicationOptions, Provider, Type } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, type TestingModule, type TestingModuleBuilder } from '@nestjs/testing';
import type { Connection } from 'mongoose';
import type { Redis } from 'ioredis';
import { MemoryTokenCache } from '../../src/cache/memory-token-cache.js';
import { RedisTokenCache } from '../../src/cache/redis-token-cache.js';
import { TokenCache } from '../../src/cache/token-cache.js';
import { Clock } from '../../src/clock.js';
import { PasswordHasher } from '../../src/crypto/password-hasher.js';
import { OAuthException } from '../../src/errors/oauth.exception.js';
import { resolveSentinelOptions } from '../../src/options/resolve-options.js';
import type { ResolvedSentinelOptions } from '../../src/options/resolved-options.js';
import type { SentinelModuleOptions } from '../../src/sentinel-options.js';
import { SENTINEL_OPTIONS } from '../../src/sentinel.constants.js';
import {
  ClientStore,
  type NewClient,
  type SentinelClient,
} from '../../src/storage/client-store.js';
import { MemoryClientStore } from '../../src/storage/memory/memory-client.store.js';
import { MemoryTokenStore } from '../../src/storage/memory/memory-token.store.js';
import { MemoryUserStore } from '../../src/storage/memory/memory-user.store.js';
import {
  SENTINEL_CLIENT_MODEL,
  SentinelClientSchema,
} from '../../src/storage/mongo/client.schema.js';
import { MongoClientStore } from '../../src/storage/mongo/mongo-client.store.js';
import { MongoTokenStore } from '../../src/storage/mongo/mongo-token.store.js';
import { MongoUserStore } from '../../src/storage/mongo/mongo-user.store.js';
import { SENTINEL_TOKEN_MODEL, SentinelTokenSchema } from '../../src/storage/mongo/token.schema.js';
import { SENTINEL_USER_MODEL, SentinelUserSchema } from '../../src/storage/mongo/user.schema.js';
import { TokenStore } from '../../src/storage/token-store.js';
import { UserRepository, UserStore } from '../../src/storage/user-store.js';
import type { GrantContext, TokenForm } from '../../src/token/grants/grant.js';
import { AuthorizationCodeStore } from '../../src/storage/authorization-code-store.js';
import { MemoryAuthorizationCodeStore } from '../../src/storage/memory/memory-authorization-code.store.js';
import { AuthorizationCodeGrant } from '../../src/token/grants/authorization-code.grant.js';
import { grantProviders } from '../../src/token/grants/grant-providers.js';
import { GrantRegistry } from '../../src/token/grants/grant-registry.js';
import { TOKEN_PROVIDERS } from '../../src/token/token.providers.js';
import {
  dropAndClose,
  openTestConnection,
  openTestRedis,
  uniqueKeyPrefix,
} from '../harness/backends.js';

/** The HTTP platforms the e2e suites run on (`describe.each(PLATFORMS)`). */
export type Platform = 'express' | 'fastify';
export const PLATFORMS: Platform[] = ['express', 'fastify'];

/**
 * Creates and initializes the app of `moduleRef` on `platform` (Express by default, or
 * `FastifyAdapter`), after `configure` (e.g. a host's own body parser); on Fastify it also waits
 * for the plugins, as `listen` would.
 */
export async function createPlatformApp(
  moduleRef: TestingModule,
  platform: Platform,
  options: NestApplicationOptions = {},
  configure?: (app: INestApplication) => void,
): Promise<INestApplication> {
  const app =
    platform === 'fastify'
      ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), options)
      : moduleRef.createNestApplication(options);
  configure?.(app);
  await app.init();
  if (platform === 'fastify') {
    await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  }
  return app;
}

/** A clock the test moves by hand: no sleeps, no fake timers. Starts at the real now. */
export class FakeClock implements Clock {
  t = Date.now();
  now(): number {
    return this.t;
  }
  advanceSeconds(seconds: number): void {
    this.t += seconds * 1000;
  }
}

export type BackendKind = 'memory' | 'mongo+redis';

/** The ports of the token endpoint on one backend, plus the fake clock and resolved options. */
export interface TokenBackend {
  kind: BackendKind;
  clock: FakeClock;
  options: ResolvedSentinelOptions;
  users: UserRepository;
  clients: ClientStore;
  tokens: TokenStore;
  cache: TokenCache;
  /** The providers a testing module needs beside `TOKEN_PROVIDERS`. */
  providers: Provider[];
  close(): Promise<void>;
}

/**
 * Opens the stores and cache of `kind`: in-memory ones, or Mongo stores on the FerretDB of the
 * test harness (a fresh database) with a Redis cache (a fresh key prefix).
 */
export async function openTokenBackend(
  kind: BackendKind,
  label: string,
  overrides: SentinelModuleOptions = {},
): Promise<TokenBackend> {
  const clock = new FakeClock();
  const options = resolveSentinelOptions({ bcryptCost: 10, ...overrides });
  const grants = GrantRegistry.of();
  // Cost 4 keeps the suites fast; the module itself refuses costs under 10.
  const hasher = new PasswordHasher(4);
  let users: UserRepository;
  let clients: ClientStore;
  let tokens: TokenStore;
  let cache: TokenCache;
  let connection: Connection | undefined;
  let redis: Redis | undefined;
  if (kind === 'memory') {
    users = new MemoryUserStore(hasher);
    clients = new MemoryClientStore(grants);
    tokens = new MemoryTokenStore();
    cache = new MemoryTokenCache({ now: () => clock.now() });
  } else {
    connection = await openTestConnection(label);
    const mongoUsers = new MongoUserStore(
      connection.model(SENTINEL_USER_MODEL, SentinelUserSchema),
      hasher,
    );
    const mongoClients = new MongoClientStore(
      connection.model(SENTINEL_CLIENT_MODEL, SentinelClientSchema),
      grants,
    );
    const mongoTokens = new MongoTokenStore(
      connection.model(SENTINEL_TOKEN_MODEL, SentinelTokenSchema),
    );
    await Promise.all([
      mongoUsers.ensureIndexes(),
      mongoClients.ensureIndexes(),
      mongoTokens.ensureIndexes(),
    ]);
    users = mongoUsers;
    clients = mongoClients;
    tokens = mongoTokens;
    redis = openTestRedis();
    cache = new RedisTokenCache(redis, uniqueKeyPrefix(label));
  }
  const providers: Provider[] = [
    { provide: SENTINEL_OPTIONS, useValue: options },
    { provide: Clock, useValue: clock },
    { provide: UserStore, useValue: users },
    { provide: UserRepository, useValue: users },
    { provide: ClientStore, useValue: clients },
    { provide: TokenStore, useValue: tokens },
    { provide: TokenCache, useValue: cache },
    ...grantProviders(grants),
    // Not a built-in grant yet (issue 13): provided here so its spec can compile it.
    AuthorizationCodeGrant,
    { provide: AuthorizationCodeStore, useValue: new MemoryAuthorizationCodeStore() },
  ];
  return {
    kind,
    clock,
    options,
    users,
    clients,
    tokens,
    cache,
    providers,
    close: async () => {
      if (connection) await dropAndClose(connection);
      if (redis) await redis.quit();
    },
  };
}

/** A client for tests: confidential with password + refresh_token unless told otherwise. */
export async function createClient(
  clients: ClientStore,
  overrides: Partial<NewClient> = {},
): Promise<{ clientId: string; clientSecret?: string }> {
  const grantTypes = ['password', 'refresh_token'];
  const { client, clientSecret } = await clients.create({
    clientName: 'test client',
    clientType: 'confidential',
    grantTypes,
    scope: 'read write',
    ...overrides,
  });
  return { clientId: client.clientId, clientSecret };
}

/** `Authorization: Basic` value for a client, form-urlencoding id and secret (RFC 6749 §2.3.1). */
export function basic(clientId: string, clientSecret = ''): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

/** Compiles a testing module with the token endpoint's providers on `backend`. */
export function tokenTestingModule(
  backend: TokenBackend,
  controllers: Array<Type<unknown>> = [],
): TestingModuleBuilder {
  return Test.createTestingModule({
    controllers,
    providers: [...TOKEN_PROVIDERS, ...backend.providers],
  });
}

/** Status, headers and RFC body of the OAuthException `promise` rejects with. */
export async function oauthError(promise: Promise<unknown>): Promise<{
  status: number;
  headers: Readonly<Record<string, string>>;
  body: object;
}> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OAuthException) {
      return { status: error.getStatus(), headers: error.headers, body: error.toBody() };
    }
    throw error;
  }
  throw new Error('expected an OAuthException, but the call succeeded');
}

/** The context the token service hands a grant, for calling a grant directly. */
export function grantContext(form: TokenForm, client: SentinelClient): GrantContext {
  return { form, client, origin: {}, request: undefined };
}
