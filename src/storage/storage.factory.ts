import { Logger } from '@nestjs/common';
import mongoose, { type Connection } from 'mongoose';
import type { PasswordHasher } from '../crypto/password-hasher.js';
import { SentinelConfigError, type ResolvedSentinelOptions } from '../sentinel-options.js';
import type { ClientStore } from './client-store.js';
import { MemoryClientStore } from './memory/memory-client.store.js';
import { MemoryTokenStore } from './memory/memory-token.store.js';
import { MemoryUserStore } from './memory/memory-user.store.js';
import { SENTINEL_CLIENT_MODEL, SentinelClientSchema } from './mongo/client.schema.js';
import { MongoClientStore } from './mongo/mongo-client.store.js';
import { MongoTokenStore } from './mongo/mongo-token.store.js';
import { MongoUserStore } from './mongo/mongo-user.store.js';
import { SENTINEL_TOKEN_MODEL, SentinelTokenSchema } from './mongo/token.schema.js';
import { SENTINEL_USER_MODEL, SentinelUserSchema } from './mongo/user.schema.js';
import type { TokenStore } from './token-store.js';
import type { UserRepository } from './user-store.js';

/** The stores the options ask for, and how to release them. */
export interface SentinelStorage {
  kind: 'mongo' | 'memory';
  users: UserRepository;
  clients: ClientStore;
  tokens: TokenStore;
  close(): Promise<void>;
}

export async function createStorage(
  options: ResolvedSentinelOptions,
  hasher: PasswordHasher,
  hostConnection: Connection | null = null,
): Promise<SentinelStorage> {
  if (options.mongo === undefined) {
    return {
      kind: 'memory',
      users: new MemoryUserStore(hasher),
      clients: new MemoryClientStore(),
      tokens: new MemoryTokenStore(),
      close: async () => undefined,
    };
  }
  const { connection, owned } = await openConnection(
    options.mongo,
    hostConnection,
    options.mongoTimeoutMs,
  );
  const users = new MongoUserStore(
    connection.model(SENTINEL_USER_MODEL, SentinelUserSchema),
    hasher,
  );
  const clients = new MongoClientStore(
    connection.model(SENTINEL_CLIENT_MODEL, SentinelClientSchema),
  );
  const tokens = new MongoTokenStore(connection.model(SENTINEL_TOKEN_MODEL, SentinelTokenSchema));
  // Unique indexes exist before the first request, so duplicates are conflicts, not races.
  const [, , tokenIndexes] = await Promise.all([
    users.ensureIndexes(),
    clients.ensureIndexes(),
    tokens.ensureIndexes(),
  ]);
  if (!tokenIndexes.ttl) {
    new Logger('Sentinel').warn(
      'This MongoDB server does not support TTL indexes (e.g. FerretDB): expired token ' +
        'records are not removed automatically. They are never accepted, but they take space.',
    );
  }
  return {
    kind: 'mongo',
    users,
    clients,
    tokens,
    close: async () => {
      if (owned) await connection.close();
    },
  };
}

/**
 * Opens the module's own connection with bounded waits (SECURITY.md 17–18, ADR 0007):
 * - `bufferCommands: false`: while the server is gone, Mongoose does not hold commands in its
 *   buffer (up to 10 s by default) but hands them to the driver, which fails them once server
 *   selection gives up;
 * - `serverSelectionTimeoutMS`, `connectTimeoutMS` and `socketTimeoutMS` = `mongoTimeoutMs`: a
 *   stopped server fails a request within about that time, a stalled one too.
 * The driver reconnects on its own when the server returns; no restart is needed.
 */
async function openConnection(
  mongo: NonNullable<ResolvedSentinelOptions['mongo']>,
  hostConnection: Connection | null,
  timeoutMs: number,
): Promise<{ connection: Connection; owned: boolean }> {
  if ('uri' in mongo) {
    const connection = await mongoose
      .createConnection(mongo.uri, {
        dbName: mongo.dbName,
        sanitizeFilter: true,
        bufferCommands: false,
        serverSelectionTimeoutMS: timeoutMs,
        connectTimeoutMS: timeoutMs,
        socketTimeoutMS: timeoutMs,
      })
      .asPromise();
    // Failures reach each operation as a 503; an unhandled 'error' event must not end the process.
    connection.on('error', () => undefined);
    return { connection, owned: true };
  }
  // The host app's connection (MongooseModule.forRoot), injected by name; never closed by us.
  if (hostConnection === null) {
    throw new SentinelConfigError(
      'connectionName',
      "name the host app's Mongoose connection in the connectionName option of forRootAsync",
    );
  }
  return { connection: hostConnection, owned: false };
}
