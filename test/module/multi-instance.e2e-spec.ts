import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { SentinelModule, type SentinelModuleOptions } from '../../src/index.js';
import { mongoUrl, redisUrl, uniqueDbName, uniqueKeyPrefix } from '../harness/backends.js';
import {
  callApi,
  passwordGrant,
  refreshGrant,
  seed,
  startApp,
  type Seeded,
} from './module-testing.js';

/**
 * Flask-Sentinel's "three services" deployment: two authorization-server instances sharing
 * MongoDB and Redis, and a resource API that shares only Redis (docs/security.md 9).
 */
describe('two instances sharing FerretDB + redis-server, and a guard-only resource app', () => {
  let first: INestApplication;
  let second: INestApplication;
  let resource: INestApplication;
  let seeded: Seeded;

  beforeAll(async () => {
    const shared: SentinelModuleOptions = {
      mongo: { uri: mongoUrl(), dbName: uniqueDbName('multi') },
      redis: redisUrl(),
      keyPrefix: uniqueKeyPrefix('multi'),
      bcryptCost: 10,
    };
    first = await startApp([SentinelModule.forRoot(shared)]);
    second = await startApp([SentinelModule.forRoot(shared)]);
    resource = await startApp([
      SentinelModule.forResourceServer({ redis: redisUrl(), keyPrefix: shared.keyPrefix }),
    ]);
    seeded = await seed(first);
  });

  afterAll(async () => {
    await Promise.all([first?.close(), second?.close(), resource?.close()]);
  });

  it('accepts a token issued by one instance on the other and on the resource app', async () => {
    const issued = await passwordGrant(first, seeded).expect(200);
    await callApi(first, issued.body.access_token).expect(200);
    const onSecond = await callApi(second, issued.body.access_token).expect(200);
    expect(onSecond.body.userId).toBe(seeded.userId);
    const onResource = await callApi(resource, issued.body.access_token, '/api/orders').expect(200);
    expect(onResource.body).toEqual({ userId: seeded.userId });
  });

  it('rejects everywhere at once a family revoked through the other instance', async () => {
    const issued = await passwordGrant(first, seeded).expect(200);
    const rotated = await refreshGrant(second, seeded.clientId, issued.body.refresh_token).expect(
      200,
    );
    for (const app of [first, second, resource])
      await callApi(app, rotated.body.access_token).expect(200);

    // Reuse of the rotated refresh token, detected by the second instance.
    await refreshGrant(second, seeded.clientId, issued.body.refresh_token).expect(400);

    for (const app of [first, second, resource]) {
      const rejected = await callApi(app, rotated.body.access_token).expect(401);
      expect(rejected.body.error).toBe('invalid_token');
    }
  });

  it('rejects on the resource app a token it has never seen in Redis', async () => {
    const rejected = await callApi(resource, 'x'.repeat(43)).expect(401);
    expect(rejected.headers['www-authenticate']).toBe(
      'Bearer realm="sentinel", error="invalid_token", error_description="The access token is invalid, expired or revoked"',
    );
  });
});

describe('two in-memory apps in one process', () => {
  it('keep their tokens apart (each guard asks its own app, not passport’s last strategy)', async () => {
    const a = await startApp([SentinelModule.forRoot({ bcryptCost: 10 })]);
    const b = await startApp([SentinelModule.forRoot({ bcryptCost: 10 })]);
    try {
      const seededA = await seed(a);
      const seededB = await seed(b);
      const tokenA = (await passwordGrant(a, seededA).expect(200)).body.access_token;
      const tokenB = (await passwordGrant(b, seededB).expect(200)).body.access_token;
      await callApi(a, tokenA).expect(200);
      await callApi(b, tokenB).expect(200);
      await callApi(a, tokenB).expect(401);
      await callApi(b, tokenA).expect(401);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('SentinelModule.forResourceServer', () => {
  it('requires redis, naming the field', async () => {
    await expect(startApp([SentinelModule.forResourceServer({} as never)])).rejects.toThrow(
      /"redis"/,
    );
  });
});
