import { afterEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, UseGuards, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import mongoose from 'mongoose';
import request from 'supertest';
import { closeRedis, openRedis, waitForRedis } from '../../src/cache/redis-connection.js';
import { RedisTokenCache } from '../../src/cache/redis-token-cache.js';
import { TokenCache } from '../../src/cache/token-cache.js';
import { Clock, systemClock } from '../../src/clock.js';
import { digest } from '../../src/crypto/digest.js';
import { generateToken } from '../../src/crypto/token-generator.js';
import { GUARD_PROVIDERS } from '../../src/guard/guard.providers.js';
import { OAuthIdentity } from '../../src/guard/oauth-identity.decorator.js';
import { OAuthGuard } from '../../src/guard/oauth.guard.js';
import { resolveSentinelOptions } from '../../src/options/resolve-options.js';
import { SENTINEL_OPTIONS } from '../../src/sentinel.constants.js';
import { MongoTokenStore } from '../../src/storage/mongo/mongo-token.store.js';
import { SENTINEL_TOKEN_MODEL, SentinelTokenSchema } from '../../src/storage/mongo/token.schema.js';
import { TokenStore } from '../../src/storage/token-store.js';
import {
  dropAndClose,
  openTestConnection,
  redisUrl,
  uniqueKeyPrefix,
} from '../harness/backends.js';
import { freePort } from '../harness/test-services.js';

// Faults on the real drivers: a Redis or MongoDB client pointed at a port nothing listens on
// behaves like a server that went down (the shared test servers are never stopped here).

@Controller('api')
@UseGuards(OAuthGuard)
class ApiController {
  @Get('me')
  me(@OAuthIdentity() identity: OAuthIdentity): OAuthIdentity {
    return identity;
  }
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  // Last opened, first closed: the app before the clients it uses.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function createApp(cache: TokenCache, store?: TokenStore): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    controllers: [ApiController],
    providers: [
      { provide: SENTINEL_OPTIONS, useValue: resolveSentinelOptions({ realm: 'faults' }) },
      { provide: Clock, useValue: systemClock },
      { provide: TokenCache, useValue: cache },
      ...(store ? [{ provide: TokenStore, useValue: store }] : []),
      ...GUARD_PROVIDERS,
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  cleanups.push(() => app.close());
  return app;
}

async function liveRedisCache(): Promise<RedisTokenCache> {
  const connection = openRedis(redisUrl());
  expect(await waitForRedis(connection.client, 10_000)).toBe(true);
  const keyPrefix = `${uniqueKeyPrefix('guard-faults')}token:`;
  cleanups.push(async () => {
    const keys = await connection.client.keys(`${keyPrefix}*`);
    if (keys.length > 0) await connection.client.del(...keys);
    await closeRedis(connection);
  });
  return new RedisTokenCache(connection.client, keyPrefix);
}

/** ioredis as the module configures it (no offline queue) towards a port with no server. */
async function deadRedisCache(): Promise<RedisTokenCache> {
  const connection = openRedis(`redis://127.0.0.1:${await freePort()}`, {
    commandTimeoutMs: 200,
    connectTimeoutMs: 200,
    // ioredis keeps one pending reconnect timer after disconnect(); keep it short.
    maxReconnectDelayMs: 100,
    logger: { log: () => undefined, warn: () => undefined },
  });
  cleanups.push(() => closeRedis(connection));
  return new RedisTokenCache(connection.client, 'dead:token:');
}

async function liveMongoStore(): Promise<MongoTokenStore> {
  const connection = await openTestConnection('guard_faults');
  cleanups.push(() => dropAndClose(connection));
  const store = new MongoTokenStore(connection.model(SENTINEL_TOKEN_MODEL, SentinelTokenSchema));
  await store.ensureIndexes();
  return store;
}

/** Mongoose towards a port with no server: every query fails after server selection times out. */
async function deadMongoStore(): Promise<MongoTokenStore> {
  const connection = mongoose.createConnection(`mongodb://127.0.0.1:${await freePort()}/dead`, {
    serverSelectionTimeoutMS: 300,
    bufferCommands: false,
  });
  connection.on('error', () => undefined);
  connection.asPromise().catch(() => undefined);
  cleanups.push(() => connection.close());
  return new MongoTokenStore(connection.model(SENTINEL_TOKEN_MODEL, SentinelTokenSchema));
}

async function storeToken(store: TokenStore, scope = 'read'): Promise<string> {
  const raw = generateToken();
  const now = Date.now();
  await store.insert({
    accessTokenDigest: digest(raw),
    refreshTokenDigest: null,
    userId: 'alice',
    clientId: 'mobile-app',
    scope,
    familyId: `family-${raw.slice(0, 10)}`,
    issuedAt: new Date(now),
    accessExpiresAt: new Date(now + 3600_000),
    refreshExpiresAt: null,
  });
  return raw;
}

function expect503(res: request.Response): void {
  expect(res.status).toBe(503);
  expect(res.headers['retry-after']).toMatch(/^\d+$/);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['www-authenticate']).toBeUndefined();
  expect(res.body).toEqual({
    error: 'temporarily_unavailable',
    error_description: expect.any(String),
  });
  expect(JSON.stringify(res.body)).not.toMatch(/at \w+ \(|Mongo|Redis/);
}

describe('OAuthGuard when a backend is down (real drivers)', () => {
  it('Redis down: tokens validate from MongoDB, and revocations made there still hold (docs/security.md 17)', async () => {
    const store = await liveMongoStore();
    const live = await storeToken(store);
    const revoked = await storeToken(store);
    const record = await store.findByAccessDigest(digest(revoked));
    await store.revokeFamily(record!.familyId);
    const app = await createApp(await deadRedisCache(), store);

    const ok = await request(app.getHttpServer())
      .get('/api/me')
      .set('Authorization', `Bearer ${live}`)
      .expect(200);
    expect(ok.body).toMatchObject({ userId: 'alice', clientId: 'mobile-app', scope: ['read'] });
    await request(app.getHttpServer())
      .get('/api/me')
      .set('Authorization', `Bearer ${revoked}`)
      .expect(401);
  });

  it('MongoDB down: cache hits still pass, a cache miss is 503 with Retry-After, never 401 (docs/security.md 18)', async () => {
    const cache = await liveRedisCache();
    const cached = generateToken();
    await cache.add(
      digest(cached),
      {
        sub: 'alice',
        client_id: 'mobile-app',
        scope: 'read',
        exp: Math.floor(Date.now() / 1000) + 600,
      },
      600,
    );
    const app = await createApp(cache, await deadMongoStore());

    await request(app.getHttpServer())
      .get('/api/me')
      .set('Authorization', `Bearer ${cached}`)
      .expect(200);
    const res = await request(app.getHttpServer())
      .get('/api/me')
      .set('Authorization', `Bearer ${generateToken()}`);
    expect503(res);
  });

  it('Redis and MongoDB down: 503, never 401 (docs/security.md 17, 18)', async () => {
    const app = await createApp(await deadRedisCache(), await deadMongoStore());

    const res = await request(app.getHttpServer())
      .get('/api/me')
      .set('Authorization', `Bearer ${generateToken()}`);
    expect503(res);
  });

  it('resource server with Redis down: 503, never 401 (docs/security.md 18)', async () => {
    const app = await createApp(await deadRedisCache());

    const res = await request(app.getHttpServer())
      .get('/api/me')
      .set('Authorization', `Bearer ${generateToken()}`);
    expect503(res);
  });

  it('a backend fault does not change the no-token answer: 401 challenge without a lookup', async () => {
    const app = await createApp(await deadRedisCache());

    const res = await request(app.getHttpServer()).get('/api/me').expect(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="faults"');
  });
});
