import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { MongooseModule, getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { SentinelModule } from '../../src/index.js';
import { mongoUrl, uniqueDbName } from '../harness/backends.js';
import { callApi, passwordGrant, seed, startApp } from './module-testing.js';

/** Storing in the host app's own Mongoose connection (`mongo: { connectionName }`). */
describe("the host app's Mongoose connection on FerretDB", () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function expectStoredIn(connection: Connection) {
    const names = (await connection.db!.listCollections().toArray()).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['sentinel_users', 'sentinel_tokens']));
  }

  it('uses a named connection given to forRoot', async () => {
    app = await startApp([
      MongooseModule.forRoot(mongoUrl(), { dbName: uniqueDbName('host'), connectionName: 'main' }),
      SentinelModule.forRoot({ mongo: { connectionName: 'main' }, bcryptCost: 10 }),
    ]);
    const seeded = await seed(app);
    const issued = await passwordGrant(app, seeded).expect(200);
    await callApi(app, issued.body.access_token).expect(200);
    await expectStoredIn(app.get<Connection>(getConnectionToken('main')));
  });

  it('uses the default connection named in the connectionName extra of forRootAsync', async () => {
    app = await startApp([
      MongooseModule.forRoot(mongoUrl(), { dbName: uniqueDbName('host-default') }),
      SentinelModule.forRootAsync({
        connectionName: 'default',
        useFactory: () => ({ bcryptCost: 10 }),
      }),
    ]);
    const seeded = await seed(app);
    await passwordGrant(app, seeded).expect(200);
    await expectStoredIn(app.get<Connection>(getConnectionToken()));
  });

  it('fails at bootstrap, naming connectionName, when the async factory asks for an unnamed host connection', async () => {
    await expect(
      startApp([
        MongooseModule.forRoot(mongoUrl(), { dbName: uniqueDbName('host-missing') }),
        SentinelModule.forRootAsync({ useFactory: () => ({ mongo: { connectionName: 'main' } }) }),
      ]),
    ).rejects.toThrow(/"connectionName"/);
  });

  it('refuses connectionName together with mongo.uri', async () => {
    await expect(
      startApp([
        MongooseModule.forRoot(mongoUrl(), { dbName: uniqueDbName('host-both') }),
        SentinelModule.forRootAsync({
          connectionName: 'default',
          useFactory: () => ({ mongo: { uri: mongoUrl() } }),
        }),
      ]),
    ).rejects.toThrow(/"connectionName"/);
  });
});
