import { randomBytes } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import { Redis } from 'ioredis';

/** The MongoDB URL the global setup started (FerretDB) or was given (MONGO_URL). */
export function mongoUrl(): string {
  const url = process.env.MONGO_URL;
  if (!url) throw new Error('MONGO_URL is not set: the Jest global setup did not run');
  return url;
}

/** The Redis URL the global setup started (redis-server) or was given (REDIS_URL). */
export function redisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set: the Jest global setup did not run');
  return url;
}

/** A database name no other test file uses, so suites can run in parallel. */
export function uniqueDbName(label: string): string {
  return `sentinel_test_${label.replace(/[^a-z0-9]/gi, '_')}_${randomBytes(4).toString('hex')}`;
}

/** A key prefix no other test uses, for Redis isolation. */
export function uniqueKeyPrefix(label: string): string {
  return `test:${label}:${randomBytes(4).toString('hex')}:`;
}

/** Opens a Mongoose connection to a fresh database; drop it with {@link dropAndClose}. */
export async function openTestConnection(label: string): Promise<Connection> {
  return mongoose
    .createConnection(mongoUrl(), { dbName: uniqueDbName(label), serverSelectionTimeoutMS: 5000 })
    .asPromise();
}

export async function dropAndClose(connection: Connection): Promise<void> {
  await connection.dropDatabase().catch(() => undefined);
  await connection.close();
}

export function openTestRedis(): Redis {
  return new Redis(redisUrl(), { lazyConnect: false, maxRetriesPerRequest: 1 });
}
