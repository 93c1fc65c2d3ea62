/**
 * Shared by the e2e suites of the protocol endpoints (revocation, introspection,
 * client_credentials, metadata): a small host app importing `SentinelModule.forRoot(...)` with
 * the guarded `ProtectedController`, on the in-memory default or FerretDB + redis-server.
 */
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Redis } from 'ioredis';
import mongoose from 'mongoose';
import request from 'supertest';
import {
  ClientStore,
  Clock,
  SentinelModule,
  TokenCache,
  TokenStore,
  UserRepository,
  type NewClient,
  type SentinelModuleOptions,
} from '../../src/index.js';
import { SENTINEL_REDIS } from '../../src/sentinel.constants.js';
import { MemoryClientStore } from '../../src/storage/memory/memory-client.store.js';
import { GrantRegistry } from '../../src/token/grants/grant-registry.js';
import {
  SENTINEL_CLIENT_MODEL,
  SentinelClientSchema,
} from '../../src/storage/mongo/client.schema.js';
import { MongoClientStore } from '../../src/storage/mongo/mongo-client.store.js';
import { mongoUrl } from '../harness/backends.js';
import { BACKENDS, FakeClock, ProtectedController } from '../module/module-testing.js';
import { basic } from '../token/token-testing.js';

export { BACKENDS, FakeClock, basic };

/** A running app and direct access to its ports. */
export interface ProtocolApp {
  app: INestApplication;
  clock: FakeClock;
  users: UserRepository;
  clients: ClientStore;
  tokens: TokenStore;
  cache: TokenCache;
  /** The module's Redis client; `null` on the in-memory default. */
  redis: Redis | null;
  close(): Promise<void>;
}

/** Options every suite shares: bcrypt cost 10 (the minimum), short lifetimes, a named realm. */
export const BASE_OPTIONS: SentinelModuleOptions = {
  bcryptCost: 10,
  accessTokenTtl: 600,
  refreshTokenTtl: 3600,
  realm: 'protocol-e2e',
};

/**
 * Starts a host app on `SentinelModule.forRoot(options)` (or the given registration) with a fake
 * clock. `clients` replaces the module's client store (used to pre-seed the in-memory one).
 */
export async function startProtocolApp(
  options: SentinelModuleOptions,
  extra: { clients?: ClientStore; register?: (options: SentinelModuleOptions) => unknown } = {},
): Promise<ProtocolApp> {
  const clock = new FakeClock();
  const register = extra.register ?? ((o: SentinelModuleOptions) => SentinelModule.forRoot(o));
  let builder = Test.createTestingModule({
    imports: [register({ ...BASE_OPTIONS, ...options }) as never],
    controllers: [ProtectedController],
  })
    .overrideProvider(Clock)
    .useValue(clock);
  if (extra.clients) builder = builder.overrideProvider(ClientStore).useValue(extra.clients);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return {
    app,
    clock,
    users: app.get<UserRepository>(UserRepository),
    clients: app.get<ClientStore>(ClientStore),
    tokens: app.get<TokenStore>(TokenStore),
    cache: app.get<TokenCache>(TokenCache),
    redis: app.get<Redis | null>(SENTINEL_REDIS),
    close: () => app.close(),
  };
}

/**
 * A client store to create clients in BEFORE the app starts (so their ids can go into options
 * such as `introspection.resourceServers`): for Mongo options, a store on the same database;
 * otherwise an in-memory store to hand to {@link startProtocolApp} as `clients`.
 */
export async function clientStoreBeforeStart(
  options: SentinelModuleOptions,
): Promise<{ store: ClientStore; override?: ClientStore; close(): Promise<void> }> {
  const mongo = options.mongo;
  if (mongo === undefined || !('uri' in mongo)) {
    const store = new MemoryClientStore(GrantRegistry.of());
    return { store, override: store, close: async () => undefined };
  }
  const connection = await mongoose
    .createConnection(mongoUrl(), { dbName: mongo.dbName, serverSelectionTimeoutMS: 5000 })
    .asPromise();
  const store = new MongoClientStore(
    connection.model(SENTINEL_CLIENT_MODEL, SentinelClientSchema),
    GrantRegistry.of(),
  );
  await store.ensureIndexes();
  return { store, close: () => connection.close() };
}

/** A created client, with its `Authorization: Basic` value for confidential clients. */
export interface TestClient {
  clientId: string;
  clientSecret?: string;
  /** Basic credentials (confidential clients only). */
  auth: string;
}

export async function createTestClient(
  clients: ClientStore,
  overrides: Partial<NewClient> = {},
): Promise<TestClient> {
  const grantTypes = ['password', 'refresh_token'];
  const { client, clientSecret } = await clients.create({
    clientName: 'protocol test client',
    clientType: 'confidential',
    grantTypes,
    scope: 'orders profile',
    ...overrides,
  });
  return {
    clientId: client.clientId,
    clientSecret,
    auth: basic(client.clientId, clientSecret ?? ''),
  };
}

/** `application/x-www-form-urlencoded` body. */
export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** POSTs a form to `path`, authenticating with Basic for confidential clients, else client_id. */
export function postForm(
  app: INestApplication,
  path: string,
  client: TestClient | undefined,
  fields: Record<string, string>,
) {
  const req = request(app.getHttpServer()).post(path).type('form');
  if (client === undefined) return req.send(form(fields));
  if (client.clientSecret !== undefined) {
    return req.set('Authorization', client.auth).send(form(fields));
  }
  return req.send(form({ client_id: client.clientId, ...fields }));
}

/** Password grant for `username`, returning the token response body. */
export async function login(
  app: INestApplication,
  client: TestClient,
  username: string,
  password: string,
  extra: Record<string, string> = {},
): Promise<{ access_token: string; refresh_token?: string; scope: string }> {
  const res = await postForm(app, '/oauth/token', client, {
    grant_type: 'password',
    username,
    password,
    ...extra,
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
  return res.body;
}

export function refresh(app: INestApplication, client: TestClient, refreshToken: string) {
  return postForm(app, '/oauth/token', client, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
  });
}

/** GET a guarded route of `ProtectedController` (`/api/me`, `/api/orders`) with a bearer token. */
export function callApi(app: INestApplication, accessToken: string, path = '/api/me') {
  return request(app.getHttpServer()).get(path).set('Authorization', `Bearer ${accessToken}`);
}
