import { Logger } from '@nestjs/common';
import mongoose, { type ConnectOptions, type Connection } from 'mongoose';
import type { PasswordHasher } from '../../crypto/password-hasher.js';
import { SentinelConfigError } from '../../options/option-checks.js';
import type { ResolvedSentinelOptions } from '../../options/resolved-options.js';
import type { GrantCatalog } from '../client-store.js';
import type { SentinelStorage } from '../storage.factory.js';
import { SENTINEL_CLIENT_MODEL, SentinelClientSchema } from './client.schema.js';
import { MongoAuthorizationCodeStore } from './mongo-authorization-code.store.js';
import { MongoClientStore } from './mongo-client.store.js';
import { MongoConsentStore } from './mongo-consent.store.js';
import { MongoTokenStore } from './mongo-token.store.js';
import { MongoUserStore } from './mongo-user.store.js';
import { SENTINEL_TOKEN_MODEL, SentinelTokenSchema } from './token.schema.js';
import { SENTINEL_USER_MODEL, SentinelUserSchema } from './user.schema.js';

/** The MongoDB stores: on the module's own connection, or on the host app's one. */
export async function createMongoStorage(
  mongo: NonNullable<ResolvedSentinelOptions['mongo']>,
  options: ResolvedSentinelOptions,
  hasher: PasswordHasher,
  grants: GrantCatalog,
  hostConnection: Connection | null,
): Promise<SentinelStorage> {
  const { connection, owned } = await openConnection(mongo, hostConnection, options.mongoTimeoutMs);
  const users = new MongoUserStore(
    connection.model(SENTINEL_USER_MODEL, SentinelUserSchema),
    hasher,
  );
  const clients = new MongoClientStore(
    connection.model(SENTINEL_CLIENT_MODEL, SentinelClientSchema),
    grants,
  );
  const tokens = new MongoTokenStore(connection.model(SENTINEL_TOKEN_MODEL, SentinelTokenSchema));
  const codes = new MongoAuthorizationCodeStore(connection);
  const consents = new MongoConsentStore(connection);
  // Unique indexes exist before the first request, so duplicates are conflicts, not races.
  const [, , tokenIndexes, codeTtl] = await Promise.all([
    users.ensureIndexes(),
    clients.ensureIndexes(),
    tokens.ensureIndexes(),
    codes.ensureIndexes(),
    consents.ensureIndexes(),
  ]);
  if (!tokenIndexes.ttl || !codeTtl) {
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
    codes,
    consents,
    close: async () => {
      if (owned) await connection.close();
    },
  };
}

/**
 * The options of the module's own connection (docs/adr/0014-mongodb-replica-sets.md):
 * - string-only filters (`sanitizeFilter`, docs/security.md 2) and no command buffering;
 * - bounded waits: server selection, connect, socket and the write concern's `wtimeoutMS` are
 *   all `timeoutMs`, so an election or a lost majority is a 503 within about that time;
 * - reads from the primary only (a token just issued validates at once on every instance);
 * - writes acknowledged by `mongo.writeConcern` (default a majority, journaled), and retried
 *   once across a failover (`retryWrites`, `retryReads`; the driver ignores them on a
 *   standalone server).
 */
export function mongoConnectOptions(
  mongo: { dbName?: string; writeConcern?: 'majority' | number },
  timeoutMs: number,
): ConnectOptions {
  return {
    dbName: mongo.dbName,
    sanitizeFilter: true,
    bufferCommands: false,
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: timeoutMs,
    readPreference: 'primary',
    writeConcern: { w: mongo.writeConcern ?? 'majority', journal: true, wtimeoutMS: timeoutMs },
    retryWrites: true,
    retryReads: true,
  };
}

/**
 * Opens the module's own connection with bounded waits (docs/security.md 17–18, ADR 0007):
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
      .createConnection(mongo.uri, mongoConnectOptions(mongo, timeoutMs))
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
