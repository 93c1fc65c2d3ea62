import { randomBytes } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import mongoose from 'mongoose';
import { serializeToken } from '../../src/cache/redis-token-cache.js';
import { digest } from '../../src/crypto/digest.js';
import { generateToken } from '../../src/crypto/token-generator.js';
import { TOKENS_COLLECTION } from '../../src/sentinel.constants.js';

/** Where seeded tokens go: MongoDB (always, the source of truth) and, optionally, Redis. */
export interface SeedTarget {
  mongoUrl: string;
  dbName: string;
  /**
   * Redis (a server or a Cluster) and the module's key prefix; `null` leaves the cache empty
   * (MongoDB fallback).
   */
  redis: { client: Redis | Cluster; keyPrefix: string } | null;
}

export interface SeedOptions {
  /** Raw tokens to return, usable by the load generator. */
  usable: number;
  /** Further stored tokens nobody presents, so the stores hold `usable + filler` records. */
  filler?: number;
  /** Lifetime, long enough to outlast the run. */
  ttlSeconds?: number;
  batchSize?: number;
}

const CLIENT_ID = 'bench-client';
const SCOPE = 'read';

/**
 * Writes access-token records the way the token endpoint does (digest-keyed documents in
 * `sentinel_tokens`, Sentinel's JSON under `${keyPrefix}token:${digest}` in Redis), in bulk:
 * `insertMany` batches into MongoDB and pipelined `SET … EX` into Redis (one `SET` per key on a
 * Cluster). The filler is written
 * first and the usable tokens last. Returns the usable raw tokens.
 */
export async function seedTokens(target: SeedTarget, options: SeedOptions): Promise<string[]> {
  const ttl = options.ttlSeconds ?? 24 * 3600;
  const batchSize = options.batchSize ?? 10_000;
  const now = Date.now();
  const exp = Math.floor(now / 1000) + ttl;
  const cached = serializeToken({ sub: 'bench-user', client_id: CLIENT_ID, scope: SCOPE, exp });
  const connection = await mongoose
    .createConnection(target.mongoUrl, { dbName: target.dbName })
    .asPromise();
  try {
    const collection = connection.collection(TOKENS_COLLECTION);
    const write = async (digests: string[]): Promise<void> => {
      const pending: Array<Promise<unknown>> = [
        collection.insertMany(
          digests.map((d) => record(d, now, ttl)),
          { ordered: false },
        ),
      ];
      if (target.redis !== null) {
        const { client, keyPrefix } = target.redis;
        const key = (d: string) => `${keyPrefix}token:${d}`;
        if (client.isCluster) {
          // A Cluster refuses a pipeline whose keys span slots (ADR 0012): one SET each.
          pending.push(Promise.all(digests.map((d) => client.set(key(d), cached, 'EX', ttl))));
        } else {
          const pipeline = client.pipeline();
          for (const d of digests) pipeline.set(key(d), cached, 'EX', ttl);
          pending.push(pipeline.exec());
        }
      }
      await Promise.all(pending);
    };
    for (let done = 0; done < (options.filler ?? 0); done += batchSize) {
      const size = Math.min(batchSize, (options.filler ?? 0) - done);
      // Nobody presents these: random digests stand for tokens issued to others.
      await write(Array.from({ length: size }, () => randomBytes(32).toString('hex')));
    }
    const usable = Array.from({ length: options.usable }, () => generateToken());
    for (let done = 0; done < usable.length; done += batchSize) {
      await write(usable.slice(done, done + batchSize).map((raw) => digest(raw)));
    }
    return usable;
  } finally {
    await connection.close();
  }
}

function record(accessTokenDigest: string, now: number, ttlSeconds: number) {
  const expires = new Date(now + ttlSeconds * 1000);
  return {
    accessTokenDigest,
    userId: 'bench-user',
    clientId: CLIENT_ID,
    scope: SCOPE,
    familyId: accessTokenDigest.slice(0, 32),
    issuedAt: new Date(now),
    accessExpiresAt: expires,
    refreshExpiresAt: null,
    refreshConsumedAt: null,
    refreshGeneration: 0,
    revoked: false,
    expireAt: expires,
    createdAt: new Date(now),
    updatedAt: new Date(now),
  };
}
