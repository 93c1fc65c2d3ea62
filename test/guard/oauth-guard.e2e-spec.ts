import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  Controller,
  Get,
  HttpCode,
  Post,
  UseGuards,
  type INestApplication,
  type Provider,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { LocallyEvictingTokenCache, LocalTokenCache } from '../../src/cache/local-token-cache.js';
import { MemoryTokenCache } from '../../src/cache/memory-token-cache.js';
import { closeRedis, openRedis, waitForRedis } from '../../src/cache/redis-connection.js';
import { RedisTokenCache, serializeToken } from '../../src/cache/redis-token-cache.js';
import { TokenCache, type CachedToken } from '../../src/cache/token-cache.js';
import { Clock } from '../../src/clock.js';
import { digest } from '../../src/crypto/digest.js';
import { generateToken } from '../../src/crypto/token-generator.js';
import { GUARD_PROVIDERS } from '../../src/guard/guard.providers.js';
import { OAuthIdentity } from '../../src/guard/oauth-identity.decorator.js';
import { OAuthGuard } from '../../src/guard/oauth.guard.js';
import { Scopes } from '../../src/guard/scopes.decorator.js';
import { resolveSentinelOptions } from '../../src/options/resolve-options.js';
import { SENTINEL_OPTIONS } from '../../src/sentinel.constants.js';
import { MemoryTokenStore } from '../../src/storage/memory/memory-token.store.js';
import { MongoTokenStore } from '../../src/storage/mongo/mongo-token.store.js';
import { SENTINEL_TOKEN_MODEL, SentinelTokenSchema } from '../../src/storage/mongo/token.schema.js';
import { TokenStore } from '../../src/storage/token-store.js';
import { dropAndClose, openTestConnection, uniqueKeyPrefix } from '../harness/backends.js';
import {
  CLUSTER,
  SENTINEL,
  STANDALONE,
  startShared,
  stopShared,
  TOPOLOGY_START_TIMEOUT_MS,
  type RedisDeployment,
} from '../harness/redis-deployments.js';
import { createPlatformApp, PLATFORMS, type Platform } from '../token/token-testing.js';

const REALM = 'test-realm';
const NO_TOKEN = `Bearer realm="${REALM}"`;
const INVALID_TOKEN =
  `Bearer realm="${REALM}", error="invalid_token", ` +
  'error_description="The access token is invalid, expired or revoked"';
const INSUFFICIENT = 'The access token lacks a scope this resource requires';
const invalidRequest = (description: string): string =>
  `Bearer realm="${REALM}", error="invalid_request", error_description="${description}"`;
const insufficientScope = (scope: string): string =>
  `Bearer realm="${REALM}", error="insufficient_scope", error_description="${INSUFFICIENT}", ` +
  `scope="${scope}"`;

@Controller('api')
@UseGuards(OAuthGuard)
class ApiController {
  @Get('me')
  me(@OAuthIdentity() identity: OAuthIdentity): OAuthIdentity {
    return identity;
  }

  @Post('me')
  @HttpCode(200)
  postMe(@OAuthIdentity() identity: OAuthIdentity): OAuthIdentity {
    return identity;
  }

  @Get('user-id')
  userId(@OAuthIdentity('userId') userId: string | null): { userId: string | null } {
    return { userId };
  }

  @Get('admin')
  @Scopes('admin')
  admin(): { ok: true } {
    return { ok: true };
  }
}

@Controller('reports')
@UseGuards(OAuthGuard)
@Scopes('read')
class ReportsController {
  @Get()
  list(): { reports: [] } {
    return { reports: [] };
  }

  @Get('export')
  @Scopes('export')
  export(): { exported: true } {
    return { exported: true };
  }
}

@Controller('open')
class UnguardedController {
  @Get()
  open(@OAuthIdentity() identity: OAuthIdentity): OAuthIdentity {
    return identity;
  }
}

/** What a wiring gives the app, and raw access for checks. */
interface Backends {
  cache: TokenCache;
  store?: TokenStore;
  /** The in-process cache (option `localCache`); `cache` then evicts from it on revocation. */
  local?: LocalTokenCache;
  redis?: { client: Redis; keyPrefix: string };
  close(): Promise<void>;
}

interface Wiring {
  name: string;
  hasStore: boolean;
  open(now: () => number): Promise<Backends>;
}

async function realRedis(
  label: string,
  deployment: RedisDeployment = STANDALONE,
): Promise<Backends['redis'] & { close(): Promise<void> }> {
  const running = await startShared(deployment);
  const connection = openRedis(running.config);
  expect(await waitForRedis(connection.client, 10_000)).toBe(true);
  const keyPrefix = `${uniqueKeyPrefix(label)}token:`;
  return {
    client: connection.client,
    keyPrefix,
    async close() {
      // Sentinel and Cluster topologies are thrown away whole (stopShared).
      if (deployment === STANDALONE) {
        const keys = await connection.client.keys(`${keyPrefix}*`);
        if (keys.length > 0) await connection.client.del(...keys);
      }
      await closeRedis(connection);
    },
  };
}

/** The Redis cache + Mongo store wiring on a Sentinel or Cluster topology (issue 17). */
function distributedWiring(deployment: RedisDeployment): Wiring {
  return {
    name: `Redis cache (${deployment.name}) + Mongo token store (FerretDB)`,
    hasStore: true,
    async open() {
      const redis = await realRedis(`guard-${deployment.name}`, deployment);
      const mongo = await realMongoStore(`guard_${deployment.name}`);
      return {
        cache: new RedisTokenCache(redis.client, redis.keyPrefix),
        store: mongo.store,
        redis,
        async close() {
          await redis.close();
          await mongo.close();
        },
      };
    },
  };
}

async function realMongoStore(
  label: string,
): Promise<{ store: MongoTokenStore; close(): Promise<void> }> {
  const connection = await openTestConnection(label);
  const store = new MongoTokenStore(connection.model(SENTINEL_TOKEN_MODEL, SentinelTokenSchema));
  await store.ensureIndexes();
  return { store, close: () => dropAndClose(connection) };
}

const WIRINGS: Wiring[] = [
  {
    name: 'memory cache + memory store',
    hasStore: true,
    async open(now) {
      return {
        cache: new MemoryTokenCache({ now }),
        store: new MemoryTokenStore(),
        close: async () => undefined,
      };
    },
  },
  {
    name: 'in-process cache + memory cache + memory store',
    hasStore: true,
    async open(now) {
      const local = new LocalTokenCache(100, 60_000);
      local.setServing(true);
      return {
        // Wired as the module wires `localCache`: revocations evict this instance's entries.
        cache: new LocallyEvictingTokenCache(new MemoryTokenCache({ now }), local),
        store: new MemoryTokenStore(),
        local,
        close: async () => undefined,
      };
    },
  },
  {
    name: 'Redis cache (redis-server) + Mongo token store (FerretDB)',
    hasStore: true,
    async open() {
      const redis = await realRedis('guard');
      const mongo = await realMongoStore('guard');
      return {
        cache: new RedisTokenCache(redis.client, redis.keyPrefix),
        store: mongo.store,
        redis,
        async close() {
          await redis.close();
          await mongo.close();
        },
      };
    },
  },
  {
    name: 'resource server: Redis cache only, no TokenStore',
    hasStore: false,
    async open() {
      const redis = await realRedis('guard-rs');
      return {
        cache: new RedisTokenCache(redis.client, redis.keyPrefix),
        redis,
        close: redis.close,
      };
    },
  },
  distributedWiring(SENTINEL),
  distributedWiring(CLUSTER),
];

afterAll(() => stopShared());

async function createApp(
  platform: Platform,
  providers: { cache: TokenCache; store?: TokenStore; local?: LocalTokenCache; now: () => number },
  options: { errorUri?: string } = {},
): Promise<INestApplication> {
  const wiring: Provider[] = [
    { provide: SENTINEL_OPTIONS, useValue: resolveSentinelOptions({ realm: REALM, ...options }) },
    { provide: Clock, useValue: { now: providers.now } satisfies Clock },
    { provide: TokenCache, useValue: providers.cache },
    ...(providers.store ? [{ provide: TokenStore, useValue: providers.store }] : []),
    ...(providers.local ? [{ provide: LocalTokenCache, useValue: providers.local }] : []),
    ...GUARD_PROVIDERS,
  ];
  const moduleRef = await Test.createTestingModule({
    controllers: [ApiController, ReportsController, UnguardedController],
    providers: wiring,
  }).compile();
  return createPlatformApp(moduleRef, platform, { logger: false });
}

/** A whole second, so cached `exp` (seconds) and stored expiry (ms) agree exactly. */
function wholeSecondNow(): number {
  return Math.floor(Date.now() / 1000) * 1000;
}

describe.each(PLATFORMS)('on %s', (platform) => {
  describe.each(WIRINGS)('OAuthGuard over $name', (wiring) => {
    let now = wholeSecondNow();
    let backends: Backends;
    let app: INestApplication;

    beforeAll(async () => {
      backends = await wiring.open(() => now);
      app = await createApp(platform, {
        cache: backends.cache,
        store: backends.store,
        local: backends.local,
        now: () => now,
      });
    }, TOPOLOGY_START_TIMEOUT_MS);
    afterAll(async () => {
      await app?.close();
      await backends?.close();
    });
    beforeEach(() => {
      now = wholeSecondNow();
    });

    interface Seed {
      scope?: string;
      userId?: string | null;
      ttlSeconds?: number;
    }

    /**
     * Issues a token as the authorization server would: into the store (the cache stays empty), or
     * in resource-server mode into the shared cache.
     */
    async function seed(seedOptions: Seed = {}): Promise<string> {
      const raw = generateToken();
      const ttl = seedOptions.ttlSeconds ?? 3600;
      const userId = seedOptions.userId === undefined ? 'alice' : seedOptions.userId;
      const scope = seedOptions.scope ?? 'read';
      if (backends.store) {
        await backends.store.insert({
          accessTokenDigest: digest(raw),
          refreshTokenDigest: null,
          userId,
          clientId: 'mobile-app',
          scope,
          familyId: `family-${raw.slice(0, 10)}`,
          issuedAt: new Date(now),
          accessExpiresAt: new Date(now + ttl * 1000),
          refreshExpiresAt: null,
        });
      } else {
        const token: CachedToken = {
          sub: userId,
          client_id: 'mobile-app',
          scope,
          exp: now / 1000 + ttl,
        };
        await backends.cache.add(digest(raw), token, ttl);
      }
      return raw;
    }

    const get = (path: string) => request(app.getHttpServer()).get(path);

    it('accepts a live token in the Authorization header and hands the identity to the route', async () => {
      const raw = await seed({ scope: 'read write' });

      const res = await get('/api/me').set('Authorization', `Bearer ${raw}`).expect(200);
      expect(res.body).toEqual({
        userId: 'alice',
        clientId: 'mobile-app',
        scope: ['read', 'write'],
        expiresAt: new Date(now + 3600 * 1000).toISOString(),
      });
    });

    it('@OAuthIdentity("userId") gives one field, null for a client_credentials token', async () => {
      const user = await seed();
      const machine = await seed({ userId: null });

      await get('/api/user-id')
        .set('Authorization', `Bearer ${user}`)
        .expect(200, { userId: 'alice' });
      await get('/api/user-id')
        .set('Authorization', `Bearer ${machine}`)
        .expect(200, { userId: null });
    });

    it('matches the scheme name case-insensitively (RFC 7235 §2.1)', async () => {
      const raw = await seed();
      await get('/api/me').set('Authorization', `bearer ${raw}`).expect(200);
    });

    it('no token: 401 with a bare Bearer realm challenge and no error code (docs/security.md 8, RFC 6750 §3.1)', async () => {
      const res = await get('/api/me').expect(401);
      expect(res.headers['www-authenticate']).toBe(NO_TOKEN);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        error_description: 'This resource requires a Bearer access token',
      });
      expect(res.body).not.toHaveProperty('error');
    });

    it('another authentication scheme counts as no token: 401 without error code (RFC 6750 §3.1)', async () => {
      const res = await get('/api/me').set('Authorization', 'Basic YWxpY2U6c2VjcmV0').expect(401);
      expect(res.headers['www-authenticate']).toBe(NO_TOKEN);
      expect(res.body).not.toHaveProperty('error');
    });

    it('unknown token: 401 invalid_token (docs/security.md 8)', async () => {
      const res = await get('/api/me')
        .set('Authorization', `Bearer ${generateToken()}`)
        .expect(401);
      expect(res.headers['www-authenticate']).toBe(INVALID_TOKEN);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        error: 'invalid_token',
        error_description: 'The access token is invalid, expired or revoked',
      });
    });

    it('expired token: 401 invalid_token once the clock passes its expiry (docs/security.md 8)', async () => {
      const raw = await seed({ ttlSeconds: 60 });
      await get('/api/me').set('Authorization', `Bearer ${raw}`).expect(200);

      now += 60_000;
      const res = await get('/api/me').set('Authorization', `Bearer ${raw}`).expect(401);
      expect(res.headers['www-authenticate']).toBe(INVALID_TOKEN);
    });

    it('revoked via a cache tombstone: rejected at once, even while the store says live (docs/security.md 9)', async () => {
      const raw = await seed();
      await get('/api/me').set('Authorization', `Bearer ${raw}`).expect(200);

      await backends.cache.revoke([{ digest: digest(raw), ttlSeconds: 3600 }]);
      const res = await get('/api/me').set('Authorization', `Bearer ${raw}`).expect(401);
      expect(res.headers['www-authenticate']).toBe(INVALID_TOKEN);
    });

    // The authorization-server wirings only: resource-server mode has no store to fall back to.
    if (wiring.hasStore) {
      it('revoked in the store with an empty cache: 401 (docs/security.md 9)', async () => {
        const raw = await seed();
        const record = await backends.store!.findByAccessDigest(digest(raw));
        await backends.store!.revokeById(record!.id);

        await get('/api/me').set('Authorization', `Bearer ${raw}`).expect(401);
      });

      it('cache miss: answered from the store, then the cache is repopulated (ADR 0004)', async () => {
        const raw = await seed({ scope: 'read write', userId: 'bob' });
        const key = digest(raw);
        expect(await backends.cache.get(key)).toBeUndefined();

        await get('/api/me').set('Authorization', `Bearer ${raw}`).expect(200);

        const expected: CachedToken = {
          sub: 'bob',
          client_id: 'mobile-app',
          scope: 'read write',
          exp: now / 1000 + 3600,
        };
        if (backends.redis) {
          // The real key, as a resource server in another language would read it.
          const redis = backends.redis;
          expect(await redis.client.get(redis.keyPrefix + key)).toBe(serializeToken(expected));
          const ttl = await redis.client.ttl(redis.keyPrefix + key);
          expect(ttl).toBeGreaterThan(3590);
          expect(ttl).toBeLessThanOrEqual(3600);
        } else {
          expect(await backends.cache.get(key)).toEqual(expected);
        }
      });
    }

    it('refuses a token in the query string with 400 invalid_request, even a live one (docs/security.md 8)', async () => {
      const raw = await seed();
      const description =
        'Access tokens in the URL query are refused, use the Authorization header';

      const res = await get(`/api/me?access_token=${raw}`).expect(400);
      expect(res.headers['www-authenticate']).toBe(invalidRequest(description));
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({ error: 'invalid_request', error_description: description });

      await get(`/api/me?access_token=${raw}`).set('Authorization', `Bearer ${raw}`).expect(400);
    });

    it('token by two methods (header and form body): 400 invalid_request (docs/security.md 8)', async () => {
      const raw = await seed();
      const description = 'The access token was sent by more than one method';

      const res = await request(app.getHttpServer())
        .post('/api/me')
        .set('Authorization', `Bearer ${raw}`)
        .type('form')
        .send({ access_token: raw })
        .expect(400);
      expect(res.headers['www-authenticate']).toBe(invalidRequest(description));
      expect(res.body).toEqual({ error: 'invalid_request', error_description: description });
    });

    it('accepts a token as a form-encoded body parameter (RFC 6750 §2.2)', async () => {
      const raw = await seed();
      const res = await request(app.getHttpServer())
        .post('/api/me')
        .type('form')
        .send({ access_token: raw })
        .expect(200);
      expect(res.body).toMatchObject({ userId: 'alice' });
    });

    it('refuses access_token in a JSON body, or repeated in a form body: 400 invalid_request', async () => {
      const raw = await seed();
      const json = await request(app.getHttpServer())
        .post('/api/me')
        .send({ access_token: raw })
        .expect(400);
      expect(json.body.error).toBe('invalid_request');

      const repeated = await request(app.getHttpServer())
        .post('/api/me')
        .type('form')
        .send(`access_token=${raw}&access_token=${raw}`)
        .expect(400);
      expect(repeated.body).toEqual({
        error: 'invalid_request',
        error_description: 'The access_token parameter must be given once',
      });
    });

    it.each(['Bearer', 'Bearer ', 'Bearer a b', 'Bearer  abc', 'Bearer ab"c', 'Bearer a=b'])(
      'malformed Bearer credentials %j: 400 invalid_request, never a lookup',
      async (header) => {
        const res = await get('/api/me').set('Authorization', header).expect(400);
        expect(res.headers['www-authenticate']).toBe(
          invalidRequest('The Authorization header is not a well-formed Bearer credential'),
        );
        expect(res.body.error).toBe('invalid_request');
      },
    );

    it('missing scope: 403 insufficient_scope naming the required scope (docs/security.md 8)', async () => {
      const raw = await seed({ scope: 'read write' });

      const res = await get('/api/admin').set('Authorization', `Bearer ${raw}`).expect(403);
      expect(res.headers['www-authenticate']).toBe(insufficientScope('admin'));
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        error: 'insufficient_scope',
        error_description: INSUFFICIENT,
        scope: 'admin',
      });
    });

    it('a token with the required scope passes', async () => {
      const raw = await seed({ scope: 'read admin' });
      await get('/api/admin').set('Authorization', `Bearer ${raw}`).expect(200, { ok: true });
    });

    it('controller and handler @Scopes both apply', async () => {
      const reader = await seed({ scope: 'read' });
      const exporter = await seed({ scope: 'export' });
      const both = await seed({ scope: 'export read' });

      await get('/reports').set('Authorization', `Bearer ${reader}`).expect(200);
      const res = await get('/reports/export').set('Authorization', `Bearer ${reader}`).expect(403);
      expect(res.headers['www-authenticate']).toBe(insufficientScope('read export'));
      expect(res.body.scope).toBe('read export');
      await get('/reports').set('Authorization', `Bearer ${exporter}`).expect(403);
      await get('/reports/export').set('Authorization', `Bearer ${both}`).expect(200);
    });

    it('the invalid token check runs before the scope check', async () => {
      const res = await get('/api/admin')
        .set('Authorization', `Bearer ${generateToken()}`)
        .expect(401);
      expect(res.headers['www-authenticate']).toBe(INVALID_TOKEN);
    });

    it('@OAuthIdentity() on a route without the guard is a 500, never an anonymous call', async () => {
      const raw = await seed();
      await get('/open').set('Authorization', `Bearer ${raw}`).expect(500);
    });
  });

  describe('OAuthGuard with errorUri configured', () => {
    const now = wholeSecondNow();
    const errorUri = 'https://docs.example.com/oauth-errors';
    const cache = new MemoryTokenCache({ now: () => now });
    let app: INestApplication;

    beforeAll(async () => {
      app = await createApp(
        platform,
        { cache, store: new MemoryTokenStore(), now: () => now },
        { errorUri },
      );
    });
    afterAll(async () => {
      await app?.close();
    });

    it('adds error_uri to the challenge and the body of error responses (RFC 6750 §3)', async () => {
      const res = await request(app.getHttpServer())
        .get('/api/me')
        .set('Authorization', `Bearer ${generateToken()}`)
        .expect(401);
      expect(res.headers['www-authenticate']).toBe(`${INVALID_TOKEN}, error_uri="${errorUri}"`);
      expect(res.body).toEqual({
        error: 'invalid_token',
        error_description: 'The access token is invalid, expired or revoked',
        error_uri: errorUri,
      });
    });

    it('keeps the no-token challenge free of error information (RFC 6750 §3.1)', async () => {
      const res = await request(app.getHttpServer()).get('/api/me').expect(401);
      expect(res.headers['www-authenticate']).toBe(NO_TOKEN);
    });
  });
});
