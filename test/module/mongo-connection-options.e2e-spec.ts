/**
 * The module's own MongoDB connection carries the replica-set settings of ADR 0014 all the way to
 * the driver, and a store works with them (FerretDB or the MongoDB of MONGO_URL).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import mongoose from 'mongoose';
import { SentinelModule, UserRepository } from '../../src/index.js';
import { mongoUrl, uniqueDbName } from '../harness/backends.js';
import { startApp } from './module-testing.js';

function driverOptionsOf(dbName: string) {
  const connection = mongoose.connections.find((c) => c.name === dbName);
  if (connection === undefined) throw new Error(`no connection to ${dbName}`);
  return connection.getClient().options;
}

describe('MongoDB connection options (ADR 0014)', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('writes with majority, journaled, bounded by mongoTimeoutMs; reads from the primary; retries', async () => {
    const dbName = uniqueDbName('mongo-options');
    app = await startApp([
      SentinelModule.forRoot({ mongo: { uri: mongoUrl(), dbName }, mongoTimeoutMs: 2500 }),
    ]);
    const options = driverOptionsOf(dbName);
    expect(options.writeConcern).toMatchObject({ w: 'majority', journal: true, wtimeoutMS: 2500 });
    expect(options.readPreference.mode).toBe('primary');
    expect(options.retryWrites).toBe(true);
    expect(options.retryReads).toBe(true);
    // The stores work with these settings.
    const users = app.get<UserRepository>(UserRepository);
    const user = await users.create({ username: 'wc-user', password: 'correct horse battery' });
    expect((await users.findById(user.id))?.username).toBe('wc-user');
  });

  it('takes a numeric write concern', async () => {
    const dbName = uniqueDbName('mongo-options-w1');
    app = await startApp([
      SentinelModule.forRoot({ mongo: { uri: mongoUrl(), dbName, writeConcern: 1 } }),
    ]);
    expect(driverOptionsOf(dbName).writeConcern).toMatchObject({ w: 1 });
  });
});
