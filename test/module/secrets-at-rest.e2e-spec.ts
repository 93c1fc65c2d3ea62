import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import mongoose from 'mongoose';
import request from 'supertest';
import { ClientStore, SentinelModule } from '../../src/index.js';
import { SENTINEL_REDIS } from '../../src/sentinel.constants.js';
import type { Redis } from 'ioredis';
import { mongoUrl, redisUrl, uniqueDbName, uniqueKeyPrefix } from '../harness/backends.js';
import { callApi, passwordGrant, refreshGrant, seed, startApp } from './module-testing.js';
import { createHash } from 'node:crypto';

/** docs/security.md 20–21: after real traffic, neither store holds a usable credential. */
describe('secrets at rest in FerretDB and redis-server', () => {
  let app: INestApplication;
  const dbName = uniqueDbName('secrets');
  const keyPrefix = uniqueKeyPrefix('secrets');
  const secrets: string[] = [];

  beforeAll(async () => {
    app = await startApp([
      SentinelModule.forRoot({
        mongo: { uri: mongoUrl(), dbName },
        redis: redisUrl(),
        keyPrefix,
        bcryptCost: 10,
      }),
    ]);
    const seeded = await seed(app);
    secrets.push(seeded.password);
    const issued = await passwordGrant(app, seeded).expect(200);
    const rotated = await refreshGrant(app, seeded.clientId, issued.body.refresh_token).expect(200);
    await refreshGrant(app, seeded.clientId, issued.body.refresh_token).expect(400); // reuse
    const again = await passwordGrant(app, seeded).expect(200);
    await callApi(app, again.body.access_token).expect(200);
    secrets.push(
      issued.body.access_token,
      issued.body.refresh_token,
      rotated.body.access_token,
      rotated.body.refresh_token,
      again.body.access_token,
      again.body.refresh_token,
    );
    const confidential = await app.get<ClientStore>(ClientStore).create({
      clientName: 'Backend',
      clientType: 'confidential',
      grantTypes: ['password'],
      scope: 'orders',
    });
    secrets.push(confidential.clientSecret!);
    await request(app.getHttpServer())
      .post('/oauth/token')
      .auth(confidential.client.clientId, confidential.clientSecret!)
      .type('form')
      .send({ grant_type: 'password', username: seeded.username, password: seeded.password })
      .expect(200)
      .then((response) => secrets.push(response.body.access_token));
  });

  afterAll(async () => {
    await app?.close();
  });

  async function dumpMongo(): Promise<string> {
    const connection = await mongoose.createConnection(mongoUrl(), { dbName }).asPromise();
    try {
      const collections = await connection.db!.listCollections().toArray();
      const dump: Record<string, unknown[]> = {};
      for (const { name } of collections) {
        dump[name] = await connection.db!.collection(name).find({}).toArray();
      }
      expect(Object.keys(dump)).toEqual(
        expect.arrayContaining(['sentinel_users', 'sentinel_clients', 'sentinel_tokens']),
      );
      return JSON.stringify(dump);
    } finally {
      await connection.close();
    }
  }

  async function dumpRedis(): Promise<string> {
    const redis = app.get<Redis>(SENTINEL_REDIS);
    const keys = await redis.keys(`${keyPrefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    const values = await Promise.all(keys.map((key) => redis.get(key)));
    return JSON.stringify({ keys, values });
  }

  it('holds no raw access token, refresh token, client secret or password', async () => {
    const dumps = [await dumpMongo(), await dumpRedis()];
    expect(secrets.length).toBe(9);
    for (const dump of dumps) {
      for (const secret of secrets) expect(dump.includes(secret)).toBe(false);
    }
  });

  it('keys the cache by SHA-256 digest of the token', async () => {
    const redis = app.get<Redis>(SENTINEL_REDIS);
    const digest = createHash('sha256').update(secrets[5]).digest('hex');
    expect(await redis.exists(`${keyPrefix}token:${digest}`)).toBe(1);
  });

  it('refuses a stored digest presented as a token', async () => {
    const digest = createHash('sha256').update(secrets[5]).digest('hex');
    await callApi(app, secrets[5]).expect(200);
    await callApi(app, digest).expect(401);
  });
});
