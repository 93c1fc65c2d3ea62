import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import request from 'supertest';
import { BruteForceLimiter } from '../../src/abuse/brute-force.limiter.js';
import { digest } from '../../src/crypto/digest.js';
import { mongoUrl, uniqueDbName, uniqueKeyPrefix } from '../harness/backends.js';
import {
  callApi,
  createTestClient,
  login,
  postForm,
  refresh,
  startProtocolApp,
  type ProtocolApp,
  type TestClient,
} from '../revocation/protocol-testing.js';
import { eventually, privateRedis, settled, type PrivateService } from './fault-testing.js';

// docs/security.md 17: a private redis-server is stopped mid-run and started again. MongoDB (the
// shared FerretDB, never stopped here) stays the truth throughout.

const PASSWORD = 'correct horse battery staple';

describe('Redis stops mid-run and comes back (docs/security.md 17, ADR 0004, ADR 0007)', () => {
  let redis: PrivateService;
  let t: ProtocolApp;
  let client: TestClient;
  let admin: Redis;
  const keyPrefix = uniqueKeyPrefix('redis_outage');
  const username = `alice-${Math.floor(Math.random() * 1e9)}`;
  const tokenKey = (token: string) => `${keyPrefix}token:${digest(token)}`;
  const api = (token: string) => settled(callApi(t.app, token));

  beforeAll(async () => {
    redis = await privateRedis();
    t = await startProtocolApp({
      mongo: { uri: mongoUrl(), dbName: uniqueDbName('redis_outage') },
      redis: redis.handle.url,
      keyPrefix,
      redisTimeoutMs: 300,
    });
    client = await createTestClient(t.clients, { clientType: 'public' });
    await t.users.create({ username, password: PASSWORD });
    admin = new Redis(redis.handle.url, { maxRetriesPerRequest: 1, lazyConnect: true });
    admin.on('error', () => undefined);
  });
  afterAll(async () => {
    admin.disconnect();
    await t.close();
    await redis.close();
  });

  it('keeps serving from MongoDB, holds revocations, issues tokens and keeps counting failures', async () => {
    const live = await login(t.app, client, username, PASSWORD);
    const revoked = await login(t.app, client, username, PASSWORD);
    expect(
      (await postForm(t.app, '/oauth/revoke', client, { token: revoked.access_token })).status,
    ).toBe(200);
    expect((await api(live.access_token)).status).toBe(200);
    expect((await api(revoked.access_token)).status).toBe(401);

    await redis.handle.stop();

    // Tokens validate from MongoDB; the revocation made before the outage still holds.
    expect((await api(live.access_token)).status).toBe(200);
    const refused = await api(revoked.access_token);
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toContain('error="invalid_token"');

    // Issuing still works: MongoDB is the truth, the cache write is best effort.
    const issued = await settled(
      postForm(t.app, '/oauth/token', client, {
        grant_type: 'password',
        username,
        password: PASSWORD,
      }),
    );
    expect(issued.status).toBe(200);
    expect((await api(issued.body.access_token)).status).toBe(200);
    const rotated = await settled(refresh(t.app, client, issued.body.refresh_token));
    expect(rotated.status).toBe(200);
    expect((await api(rotated.body.access_token)).status).toBe(200);

    // The limiter falls back to process memory: it does not fail open.
    const victim = `victim-${Math.floor(Math.random() * 1e9)}`;
    await t.users.create({ username: victim, password: PASSWORD });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await settled(
        postForm(t.app, '/oauth/token', client, {
          grant_type: 'password',
          username: victim,
          password: 'wrong',
        }),
      );
      statuses.push(res.status);
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400, 400]);
    const locked = await settled(
      postForm(t.app, '/oauth/token', client, {
        grant_type: 'password',
        username: victim,
        password: PASSWORD,
      }),
    );
    expect(locked.status).toBe(429);
    expect(locked.headers['retry-after']).toBe('1');

    await redis.handle.start();
    await admin.connect();

    // The cache fills again: a guard miss re-populates it, a new token is cached at issue.
    await eventually(async () => {
      const res = await callApi(t.app, live.access_token);
      return res.status === 200 && (await admin.exists(tokenKey(live.access_token))) === 1;
    }, 'the token cache re-populating after Redis returned');
    const fresh = await login(t.app, client, username, PASSWORD);
    expect(JSON.parse((await admin.get(tokenKey(fresh.access_token)))!)).toMatchObject({
      client_id: client.clientId,
    });
    expect((await api(revoked.access_token)).status).toBe(401);

    // Redis restarted empty, yet the lockout taken in memory during the outage still holds.
    expect((await t.app.get(BruteForceLimiter).inspectAccount(victim, '127.0.0.1')).attempts).toBe(
      0,
    );
    const stillLocked = await postForm(t.app, '/oauth/token', client, {
      grant_type: 'password',
      username: victim,
      password: PASSWORD,
    });
    expect(stillLocked.status).toBe(429);
    // Counting is back in Redis.
    await postForm(t.app, '/oauth/token', client, {
      grant_type: 'password',
      username,
      password: 'wrong',
    });
    expect(
      (await t.app.get(BruteForceLimiter).inspectAccount(username, '127.0.0.1')).attempts,
    ).toBe(1);
  }, 120_000);

  it('a revocation that could not tombstone answers 503; its retry repairs the cache (ADR 0007)', async () => {
    await eventually(
      async () => (await t.redis!.ping().catch(() => 'down')) === 'PONG',
      'the module connected to Redis',
    );
    // Pair A, rotated into pair B: B's access token is live in Redis.
    const first = await login(t.app, client, username, PASSWORD);
    const second = (await refresh(t.app, client, first.refresh_token!)).body;
    expect(JSON.parse((await admin.get(tokenKey(second.access_token)))!)).not.toHaveProperty(
      'revoked',
    );
    // Redis goes away with its data saved, so the live entry comes back with it.
    await admin.save();
    await redis.handle.stop();

    // Logging out with the stale refresh token A revokes the family in MongoDB, but the
    // tombstone for B cannot be written: 503, never 200.
    const failed = await settled(
      postForm(t.app, '/oauth/revoke', client, { token: first.refresh_token! }),
    );
    expect(failed.status).toBe(503);
    expect(failed.headers['retry-after']).toMatch(/^\d+$/);

    await redis.handle.start();
    await eventually(
      async () =>
        (await t.redis!.ping().catch(() => 'down')) === 'PONG' &&
        (await admin.ping().catch(() => 'down')) === 'PONG',
      'the module reconnecting to Redis',
    );
    // The live entry came back with the data, but is never served (ADR 0017): refused at once.
    expect(
      (
        await request(t.app.getHttpServer())
          .get('/api/me')
          .set('Authorization', `Bearer ${second.access_token}`)
      ).status,
    ).toBe(401);

    // The store has nothing left to revoke, yet the retry tombstones every live access token.
    const retried = await postForm(t.app, '/oauth/revoke', client, { token: first.refresh_token! });
    expect(retried.status).toBe(200);
    expect(JSON.parse((await admin.get(tokenKey(second.access_token)))!)).toEqual({
      revoked: true,
    });
    const res = await request(t.app.getHttpServer())
      .get('/api/me')
      .set('Authorization', `Bearer ${second.access_token}`);
    expect(res.status).toBe(401);
  }, 120_000);
});
