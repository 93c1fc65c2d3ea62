import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Connection } from 'mongoose';
import { digest } from '../../src/crypto/digest.js';
import type { ClientStore, NewClient, SentinelClient } from '../../src/storage/client-store.js';
import { MemoryClientStore } from '../../src/storage/memory/memory-client.store.js';
import {
  SENTINEL_CLIENT_MODEL,
  SentinelClientSchema,
} from '../../src/storage/mongo/client.schema.js';
import { MongoClientStore } from '../../src/storage/mongo/mongo-client.store.js';
import { InvalidInputError, StorageUnavailableError } from '../../src/storage/storage.errors.js';
import { CLIENTS_COLLECTION } from '../../src/sentinel.constants.js';
import { dropAndClose, openTestConnection, uniqueDbName } from '../harness/backends.js';
import {
  MONGO_BACKEND,
  MONGO_SANITIZED_BACKEND,
  openContractConnection,
  OPERATOR,
  openCuttableConnection,
  rejectionOf,
} from './storage-fixtures.js';
import { GrantRegistry } from '../../src/token/grants/grant-registry.js';

/** One backend under the contract: a fresh, empty store per test. */
interface Backend {
  fresh(): Promise<ClientStore>;
  close(): Promise<void>;
}

const openMemory = async (): Promise<Backend> => ({
  fresh: async () => new MemoryClientStore(GrantRegistry.of()),
  close: async () => undefined,
});

const openMongo = (sanitizeFilter: boolean) => async (): Promise<Backend> => {
  const connection = await openContractConnection('clients', sanitizeFilter);
  const model = connection.model(SENTINEL_CLIENT_MODEL, SentinelClientSchema);
  await new MongoClientStore(model, GrantRegistry.of()).ensureIndexes();
  return {
    async fresh() {
      await model.deleteMany({});
      return new MongoClientStore(model, GrantRegistry.of());
    },
    close: () => dropAndClose(connection),
  };
};

const CLIENT_KEYS = [
  'clientId',
  'clientName',
  'clientType',
  'createdAt',
  'firstParty',
  'grantTypes',
  'redirectUris',
  'scope',
  'updatedAt',
];
/** 256 bits, base64url without padding (docs/security.md 21). */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

const confidential: NewClient = {
  clientName: 'Backend',
  clientType: 'confidential',
  grantTypes: ['client_credentials', 'password', 'refresh_token'],
  scope: 'read write',
};
const publicClient: NewClient = {
  clientName: 'Mobile app',
  clientType: 'public',
  grantTypes: ['password', 'refresh_token'],
  scope: 'read',
};

describe.each([
  ['memory', openMemory],
  [MONGO_BACKEND, openMongo(false)],
  [MONGO_SANITIZED_BACKEND, openMongo(true)],
])('ClientStore contract: %s', (_name, open) => {
  let backend: Backend;
  let store: ClientStore;

  beforeAll(async () => {
    backend = await open();
  });
  afterAll(async () => {
    await backend.close();
  });
  beforeEach(async () => {
    store = await backend.fresh();
  });

  describe('create', () => {
    it('gives a confidential client a generated id and a secret shown once', async () => {
      const { client, clientSecret } = await store.create(confidential);
      expect(Object.keys(client).sort()).toEqual(CLIENT_KEYS);
      expect(client).toMatchObject({ ...confidential });
      expect(client.clientId).toMatch(TOKEN_SHAPE);
      expect(clientSecret).toMatch(TOKEN_SHAPE);
      expect(client.createdAt).toBeInstanceOf(Date);
      expect(JSON.stringify(client)).not.toContain(clientSecret);
      expect(JSON.stringify(client)).not.toContain(digest(clientSecret!));
      expect(await store.findById(client.clientId)).toEqual(client);
    });

    it('gives a public client no secret', async () => {
      const created = await store.create(publicClient);
      expect(created.clientSecret).toBeUndefined();
      expect(created.client).toMatchObject({ ...publicClient });
    });

    it('issues distinct ids and secrets', async () => {
      const a = await store.create(confidential);
      const b = await store.create(confidential);
      expect(a.client.clientId).not.toBe(b.client.clientId);
      expect(a.clientSecret).not.toBe(b.clientSecret);
    });

    it('drops repeated grant types', async () => {
      const { client } = await store.create({
        ...publicClient,
        grantTypes: ['password', 'password', 'refresh_token'],
      });
      expect(client.grantTypes).toEqual(['password', 'refresh_token']);
    });

    it('refuses client_credentials for a public client (docs/security.md 7)', async () => {
      const error = await rejectionOf(
        store.create({ ...publicClient, grantTypes: ['client_credentials'] }),
      );
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error).toMatchObject({ field: 'grantTypes' });
      expect((await store.list({ page: 1, perPage: 10 })).total).toBe(0);
    });

    it('refuses unknown client types and grant types, naming the field', async () => {
      const type = await rejectionOf(
        store.create({ ...publicClient, clientType: 'trusted' as NewClient['clientType'] }),
      );
      expect(type).toBeInstanceOf(InvalidInputError);
      expect(type).toMatchObject({ field: 'clientType' });
      const grants = await rejectionOf(
        store.create({ ...publicClient, grantTypes: ['implicit' as NewClient['grantTypes'][0]] }),
      );
      expect(grants).toMatchObject({ field: 'grantTypes' });
      const name = await rejectionOf(store.create({ ...publicClient, clientName: '' }));
      expect(name).toMatchObject({ field: 'clientName' });
    });
  });

  describe('verifySecret', () => {
    let client: SentinelClient;
    let secret: string;
    beforeEach(async () => {
      ({ client, clientSecret: secret } = (await store.create(confidential)) as {
        client: SentinelClient;
        clientSecret: string;
      });
    });

    it('returns the client for its secret', async () => {
      expect(await store.verifySecret(client.clientId, secret)).toEqual(client);
    });

    it('returns null for a wrong, empty or truncated secret', async () => {
      for (const wrong of ['wrong', '', secret.slice(0, -1), secret + 'x']) {
        expect(await store.verifySecret(client.clientId, wrong)).toBeNull();
      }
    });

    it('returns null for the stored digest presented as the secret (docs/security.md 20)', async () => {
      expect(await store.verifySecret(client.clientId, digest(secret))).toBeNull();
    });

    it("returns null for another client's secret and for unknown clients", async () => {
      const other = await store.create(confidential);
      expect(await store.verifySecret(client.clientId, other.clientSecret!)).toBeNull();
      expect(await store.verifySecret('unknown-client', secret)).toBeNull();
    });

    it('returns null for public clients, whatever the secret', async () => {
      const { client: pub } = await store.create(publicClient);
      for (const attempt of ['', 'anything', secret]) {
        expect(await store.verifySecret(pub.clientId, attempt)).toBeNull();
      }
    });

    it('treats operator objects as unknown (docs/security.md 2)', async () => {
      expect(await store.verifySecret(OPERATOR, secret)).toBeNull();
      expect(await store.verifySecret(client.clientId, OPERATOR)).toBeNull();
      expect(await store.findById(OPERATOR)).toBeNull();
    });
  });

  describe('rotateSecret', () => {
    it('replaces the secret of a confidential client: only the new one works', async () => {
      const { client, clientSecret: old } = await store.create(confidential);
      const rotated = await store.rotateSecret(client.clientId);
      expect(rotated!.client).toMatchObject({ clientId: client.clientId, clientName: 'Backend' });
      expect(rotated!.clientSecret).toMatch(TOKEN_SHAPE);
      expect(rotated!.clientSecret).not.toBe(old);
      expect(await store.verifySecret(client.clientId, old!)).toBeNull();
      expect(await store.verifySecret(client.clientId, rotated!.clientSecret!)).not.toBeNull();
    });

    it('returns null for public, unknown and non-string client ids', async () => {
      const { client: pub } = await store.create(publicClient);
      expect(await store.rotateSecret(pub.clientId)).toBeNull();
      expect(await store.rotateSecret('unknown-client')).toBeNull();
      expect(await store.rotateSecret(OPERATOR)).toBeNull();
      expect(await store.verifySecret(pub.clientId, '')).toBeNull();
    });
  });

  describe('redirect URIs (RFC 6749 §3.1.2, RFC 8252 §7)', () => {
    const uris = ['https://app.example.com/cb', 'http://127.0.0.1/cb', 'com.example.app:/cb'];

    it('stores none by default, and what is given, deduplicated', async () => {
      const { client } = await store.create(confidential);
      expect(client.redirectUris).toEqual([]);
      const { client: web } = await store.create({
        ...confidential,
        redirectUris: [...uris, uris[0]],
      });
      expect(web.redirectUris).toEqual(uris);
      expect((await store.findById(web.clientId))!.redirectUris).toEqual(uris);
    });

    it('replaces them on update', async () => {
      const { client } = await store.create({ ...confidential, redirectUris: uris });
      const updated = await store.update(client.clientId, {
        redirectUris: ['https://other.example.com/cb'],
      });
      expect(updated!.redirectUris).toEqual(['https://other.example.com/cb']);
      expect((await store.findById(client.clientId))!.redirectUris).toEqual([
        'https://other.example.com/cb',
      ]);
    });

    it.each([
      ['a fragment', ['https://app.example.com/cb#x']],
      ['plain http on a public host', ['http://app.example.com/cb']],
      ['a javascript: URI', ['javascript:alert(1)']],
      ['a relative URI', ['/cb']],
      ['not a list', 'https://app.example.com/cb'],
      ['an operator object', [{ $ne: '' }]],
      ['too many', Array.from({ length: 21 }, (_, i) => `https://app.example.com/${i}`)],
    ])('refuses %s naming redirectUris, on create and on update', async (_why, redirectUris) => {
      await expect(
        store.create({ ...confidential, redirectUris: redirectUris as never }),
      ).rejects.toMatchObject({ name: 'InvalidInputError', field: 'redirectUris' });
      const { client } = await store.create(confidential);
      await expect(
        store.update(client.clientId, { redirectUris: redirectUris as never }),
      ).rejects.toMatchObject({ name: 'InvalidInputError', field: 'redirectUris' });
      expect((await store.findById(client.clientId))!.redirectUris).toEqual([]);
    });
  });

  describe('first-party flag (consent skipped, docs/security.md 30)', () => {
    it('is false by default and stored as given on create', async () => {
      expect((await store.create(confidential)).client.firstParty).toBe(false);
      const { client } = await store.create({ ...publicClient, firstParty: true });
      expect(client.firstParty).toBe(true);
      expect((await store.findById(client.clientId))!.firstParty).toBe(true);
      expect((await store.list({ page: 1, perPage: 10 })).items.map((c) => c.firstParty)).toEqual([
        false,
        true,
      ]);
    });

    it('changes on update, alone or with other fields, and stays when not given', async () => {
      const { client } = await store.create(publicClient);
      expect((await store.update(client.clientId, { firstParty: true }))!.firstParty).toBe(true);
      expect((await store.update(client.clientId, { scope: 'x' }))!.firstParty).toBe(true);
      const off = await store.update(client.clientId, { firstParty: false, clientName: 'n' });
      expect(off).toMatchObject({ firstParty: false, clientName: 'n', scope: 'x' });
      expect((await store.findById(client.clientId))!.firstParty).toBe(false);
    });

    it.each([
      ['a string', 'true'],
      ['a number', 1],
      ['an operator object', { $ne: false }],
    ])('refuses %s naming firstParty, on create and on update', async (_why, firstParty) => {
      await expect(
        store.create({ ...publicClient, firstParty: firstParty as never }),
      ).rejects.toMatchObject({ name: 'InvalidInputError', field: 'firstParty' });
      const { client } = await store.create(publicClient);
      await expect(
        store.update(client.clientId, { firstParty: firstParty as never }),
      ).rejects.toMatchObject({ name: 'InvalidInputError', field: 'firstParty' });
      expect((await store.findById(client.clientId))!.firstParty).toBe(false);
    });
  });

  describe('update', () => {
    it('changes name, grant types and scope and keeps the secret', async () => {
      const { client, clientSecret } = await store.create(confidential);
      const updated = await store.update(client.clientId, {
        clientName: 'Renamed',
        grantTypes: ['client_credentials'],
        scope: 'read',
      });
      expect(updated).toMatchObject({
        clientId: client.clientId,
        clientName: 'Renamed',
        clientType: 'confidential',
        grantTypes: ['client_credentials'],
        scope: 'read',
      });
      expect(updated!.updatedAt.getTime()).toBeGreaterThanOrEqual(client.updatedAt.getTime());
      expect(await store.findById(client.clientId)).toEqual(updated);
      expect(await store.verifySecret(client.clientId, clientSecret!)).toEqual(updated);
    });

    it('returns the client unchanged for an empty change', async () => {
      const { client } = await store.create(publicClient);
      expect(await store.update(client.clientId, {})).toEqual(client);
    });

    it('refuses client_credentials for a public client and changes nothing', async () => {
      const { client } = await store.create(publicClient);
      const error = await rejectionOf(
        store.update(client.clientId, { grantTypes: ['client_credentials'], scope: 'admin' }),
      );
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error).toMatchObject({ field: 'grantTypes' });
      expect(await store.findById(client.clientId)).toEqual(client);
    });

    it('returns null for unknown and non-string ids', async () => {
      const { client } = await store.create(publicClient);
      expect(await store.update('unknown-client', { scope: 'x' })).toBeNull();
      expect(
        await store.update('unknown-client', { grantTypes: ['client_credentials'] }),
      ).toBeNull();
      expect(await store.update(OPERATOR, { scope: 'x' })).toBeNull();
      expect(await store.findById(client.clientId)).toEqual(client);
    });
  });

  describe('list', () => {
    it('pages in creation order with the total count', async () => {
      const created: SentinelClient[] = [];
      for (let i = 0; i < 5; i += 1) {
        created.push((await store.create({ ...publicClient, clientName: `c${i}` })).client);
      }
      expect(await store.list({ page: 1, perPage: 2 })).toEqual({
        items: created.slice(0, 2),
        total: 5,
        page: 1,
        perPage: 2,
      });
      expect((await store.list({ page: 2, perPage: 2 })).items).toEqual(created.slice(2, 4));
      expect((await store.list({ page: 3, perPage: 2 })).items).toEqual(created.slice(4));
    });

    it('refuses invalid pages', async () => {
      const error = await rejectionOf(store.list({ page: 1, perPage: 0 }));
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error).toMatchObject({ field: 'perPage' });
    });
  });

  describe('delete', () => {
    it('deletes once and reports whether it did; the secret stops working', async () => {
      const { client, clientSecret } = await store.create(confidential);
      expect(await store.delete(client.clientId)).toBe(true);
      expect(await store.delete(client.clientId)).toBe(false);
      expect(await store.findById(client.clientId)).toBeNull();
      expect(await store.verifySecret(client.clientId, clientSecret!)).toBeNull();
    });

    it('returns false for a non-string id without deleting anything', async () => {
      await store.create(publicClient);
      expect(await store.delete(OPERATOR)).toBe(false);
      expect((await store.list({ page: 1, perPage: 10 })).total).toBe(1);
    });
  });

  it('hands out copies: changing a returned client changes nothing stored', async () => {
    const { client } = await store.create(confidential);
    const snapshot = structuredClone(client);
    client.grantTypes.push('password');
    client.scope = 'admin';
    client.createdAt.setTime(0);
    const found = await store.findById(snapshot.clientId);
    expect(found).toEqual(snapshot);
    found!.grantTypes.length = 0;
    expect((await store.list({ page: 1, perPage: 1 })).items[0]).toEqual(snapshot);
  });
});

describe(`MongoClientStore on ${MONGO_BACKEND}`, () => {
  let connection: Connection;
  let store: MongoClientStore;

  beforeAll(async () => {
    connection = await openTestConnection('clients_at_rest');
    store = new MongoClientStore(
      connection.model(SENTINEL_CLIENT_MODEL, SentinelClientSchema),
      GrantRegistry.of(),
    );
    await store.ensureIndexes();
  });
  afterAll(async () => {
    await dropAndClose(connection);
  });

  it('stores only the SHA-256 digest of the secret (docs/security.md 20)', async () => {
    const { client, clientSecret } = await store.create(confidential);
    const raw = await connection
      .db!.collection(CLIENTS_COLLECTION)
      .findOne({ clientId: client.clientId });
    expect(raw!.secretDigest).toBe(digest(clientSecret!));
    expect(JSON.stringify(raw)).not.toContain(clientSecret);
    const rotated = await store.rotateSecret(client.clientId);
    const after = await connection
      .db!.collection(CLIENTS_COLLECTION)
      .findOne({ clientId: client.clientId });
    expect(after!.secretDigest).toBe(digest(rotated!.clientSecret!));
  });

  it('reads a client stored before the first-party flag existed as not first-party', async () => {
    const { client } = await store.create(publicClient);
    await connection
      .db!.collection(CLIENTS_COLLECTION)
      .updateOne({ clientId: client.clientId }, { $unset: { firstParty: '' } });
    const raw = await connection
      .db!.collection(CLIENTS_COLLECTION)
      .findOne({ clientId: client.clientId });
    expect(raw).not.toHaveProperty('firstParty');
    expect((await store.findById(client.clientId))!.firstParty).toBe(false);
    expect((await store.update(client.clientId, { scope: 'read' }))!.firstParty).toBe(false);
  });

  it('has a unique index on clientId', async () => {
    await store.ensureIndexes();
    const indexes = await connection.db!.collection(CLIENTS_COLLECTION).indexes();
    expect(indexes).toContainEqual(expect.objectContaining({ key: { clientId: 1 }, unique: true }));
  });

  it('reports an unreachable database as StorageUnavailableError (docs/security.md 18)', async () => {
    const cuttable = await openCuttableConnection(uniqueDbName('clients_fault'));
    try {
      const model = cuttable.connection.model(SENTINEL_CLIENT_MODEL, SentinelClientSchema);
      const faulty = new MongoClientStore(model, GrantRegistry.of());
      await model.init();
      expect(await faulty.findById('unknown-client')).toBeNull();
      await cuttable.connection.dropDatabase();
      await cuttable.cut();
      expect(await rejectionOf(faulty.verifySecret('unknown-client', 's'))).toBeInstanceOf(
        StorageUnavailableError,
      );
    } finally {
      await cuttable.close();
    }
  });
});
