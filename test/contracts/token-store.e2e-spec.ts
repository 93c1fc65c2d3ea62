import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Connection } from 'mongoose';
import { digest } from '../../src/crypto/digest.js';
import { generateToken } from '../../src/crypto/token-generator.js';
import { MemoryTokenStore } from '../../src/storage/memory/memory-token.store.js';
import { MongoTokenStore } from '../../src/storage/mongo/mongo-token.store.js';
import {
  REFRESH_CLAIMS_COLLECTION,
  TTL_INDEX,
} from '../../src/storage/mongo/ferretdb-race-guards.js';
import { SENTINEL_TOKEN_MODEL, SentinelTokenSchema } from '../../src/storage/mongo/token.schema.js';
import {
  ConflictError,
  InvalidInputError,
  StorageUnavailableError,
} from '../../src/storage/storage.errors.js';
import type { NewTokenRecord, TokenRecord, TokenStore } from '../../src/storage/token-store.js';
import { TOKENS_COLLECTION } from '../../src/sentinel.constants.js';
import { dropAndClose, openTestConnection, uniqueDbName } from '../harness/backends.js';
import {
  MONGO_BACKEND,
  MONGO_SANITIZED_BACKEND,
  openContractConnection,
  OPERATOR,
  openCuttableConnection,
  rejectionOf,
} from './storage-fixtures.js';

/** One backend under the contract: a fresh, empty store per test. */
interface Backend {
  fresh(): Promise<TokenStore>;
  close(): Promise<void>;
}

const openMemory = async (): Promise<Backend> => ({
  fresh: async () => new MemoryTokenStore(),
  close: async () => undefined,
});

const openMongo = (sanitizeFilter: boolean) => async (): Promise<Backend> => {
  const connection = await openContractConnection('tokens', sanitizeFilter);
  const model = connection.model(SENTINEL_TOKEN_MODEL, SentinelTokenSchema);
  await new MongoTokenStore(model).ensureIndexes();
  return {
    async fresh() {
      await model.deleteMany({});
      return new MongoTokenStore(model);
    },
    close: () => dropAndClose(connection),
  };
};

const T0 = new Date('2030-01-01T00:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const UNKNOWN_ID = '0123456789abcdef01234567';

/** A record as the token service would pass it: digests of fresh random tokens. */
function newRecord(overrides: Partial<NewTokenRecord> = {}): NewTokenRecord {
  return {
    accessTokenDigest: digest(generateToken()),
    refreshTokenDigest: digest(generateToken()),
    userId: 'user-1',
    clientId: 'client-1',
    scope: 'read',
    familyId: digest(generateToken()).slice(0, 24),
    issuedAt: T0,
    accessExpiresAt: at(3600),
    refreshExpiresAt: at(30 * 86400),
    ...overrides,
  };
}

/** Without refresh token, as client_credentials issues them. */
const accessOnly = (overrides: Partial<NewTokenRecord> = {}) =>
  newRecord({ refreshTokenDigest: null, refreshExpiresAt: null, userId: null, ...overrides });

const digestsOf = (records: Array<{ accessTokenDigest: string }>) =>
  records.map((record) => record.accessTokenDigest).sort();

describe.each([
  ['memory', openMemory],
  [MONGO_BACKEND, openMongo(false)],
  [MONGO_SANITIZED_BACKEND, openMongo(true)],
])('TokenStore contract: %s', (_name, open) => {
  let backend: Backend;
  let store: TokenStore;

  beforeAll(async () => {
    backend = await open();
  });
  afterAll(async () => {
    await backend.close();
  });
  beforeEach(async () => {
    store = await backend.fresh();
  });

  describe('insert and find', () => {
    it('stores the record unconsumed and unrevoked, findable by id and both digests', async () => {
      const input = newRecord();
      const stored = await store.insert(input);
      expect(stored).toEqual({ ...input, id: stored.id, refreshConsumedAt: null, revoked: false });
      expect(stored.id).toMatch(/^[0-9a-f]{24}$/);
      expect(await store.findById(stored.id)).toEqual(stored);
      expect(await store.findByAccessDigest(input.accessTokenDigest)).toEqual(stored);
      expect(await store.findByRefreshDigest(input.refreshTokenDigest!)).toEqual(stored);
    });

    it('stores access-only records, several of them, with null refresh fields', async () => {
      const a = await store.insert(accessOnly());
      const b = await store.insert(accessOnly());
      expect(a).toMatchObject({ refreshTokenDigest: null, refreshExpiresAt: null, userId: null });
      expect(await store.findByAccessDigest(b.accessTokenDigest)).toEqual(b);
    });

    it('refuses a stored access digest with ConflictError naming it', async () => {
      const first = await store.insert(newRecord());
      const error = await rejectionOf(
        store.insert(newRecord({ accessTokenDigest: first.accessTokenDigest })),
      );
      expect(error).toBeInstanceOf(ConflictError);
      expect(error).toMatchObject({ field: 'accessTokenDigest' });
    });

    it('refuses a stored refresh digest with ConflictError naming it', async () => {
      const first = await store.insert(newRecord());
      const error = await rejectionOf(
        store.insert(newRecord({ refreshTokenDigest: first.refreshTokenDigest })),
      );
      expect(error).toBeInstanceOf(ConflictError);
      expect(error).toMatchObject({ field: 'refreshTokenDigest' });
      expect((await store.list({ page: 1, perPage: 10 })).total).toBe(1);
    });

    it('refuses a refresh digest without a refresh expiry and vice versa', async () => {
      const noExpiry = await rejectionOf(store.insert(newRecord({ refreshExpiresAt: null })));
      expect(noExpiry).toBeInstanceOf(InvalidInputError);
      expect(noExpiry).toMatchObject({ field: 'refreshExpiresAt' });
      const noDigest = await rejectionOf(store.insert(newRecord({ refreshTokenDigest: null })));
      expect(noDigest).toMatchObject({ field: 'refreshExpiresAt' });
      const noClient = await rejectionOf(store.insert(newRecord({ clientId: '' })));
      expect(noClient).toMatchObject({ field: 'clientId' });
    });

    it('returns null for unknown, malformed and non-string keys (docs/security.md 2)', async () => {
      await store.insert(newRecord());
      expect(await store.findByAccessDigest(digest('unknown'))).toBeNull();
      expect(await store.findByRefreshDigest(digest('unknown'))).toBeNull();
      expect(await store.findById(UNKNOWN_ID)).toBeNull();
      expect(await store.findById('not-an-id')).toBeNull();
      expect(await store.findByAccessDigest(OPERATOR)).toBeNull();
      expect(await store.findByRefreshDigest(OPERATOR)).toBeNull();
      expect(await store.findById(OPERATOR)).toBeNull();
    });

    it('never finds by raw token, only by its digest (docs/security.md 20)', async () => {
      const access = generateToken();
      await store.insert(newRecord({ accessTokenDigest: digest(access) }));
      expect(await store.findByAccessDigest(access)).toBeNull();
    });
  });

  describe('consumeRefresh', () => {
    let record: TokenRecord;
    beforeEach(async () => {
      record = await store.insert(newRecord());
    });

    it('marks the refresh token consumed and returns the record as after the update', async () => {
      const now = at(60);
      const consumed = await store.consumeRefresh(record.refreshTokenDigest!, now);
      expect(consumed).toEqual({ ...record, refreshConsumedAt: now });
      expect(await store.findById(record.id)).toEqual(consumed);
    });

    it('consumes only once', async () => {
      expect(await store.consumeRefresh(record.refreshTokenDigest!, at(60))).not.toBeNull();
      expect(await store.consumeRefresh(record.refreshTokenDigest!, at(61))).toBeNull();
      expect((await store.findById(record.id))!.refreshConsumedAt).toEqual(at(60));
    });

    it('gives exactly one of 10 concurrent callers the record (docs/security.md 6)', async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, () => store.consumeRefresh(record.refreshTokenDigest!, at(60))),
      );
      const winners = results.filter((result) => result !== null);
      expect(winners).toHaveLength(1);
      expect(winners[0]!.id).toBe(record.id);
    });

    it('refuses an expired refresh token, including at the exact expiry instant', async () => {
      const expiry = record.refreshExpiresAt!;
      expect(await store.consumeRefresh(record.refreshTokenDigest!, expiry)).toBeNull();
      expect(
        await store.consumeRefresh(record.refreshTokenDigest!, new Date(expiry.getTime() + 1)),
      ).toBeNull();
      expect(
        await store.consumeRefresh(record.refreshTokenDigest!, new Date(expiry.getTime() - 1)),
      ).not.toBeNull();
    });

    it('refuses a revoked refresh token', async () => {
      await store.revokeById(record.id);
      expect(await store.consumeRefresh(record.refreshTokenDigest!, at(60))).toBeNull();
      expect((await store.findById(record.id))!.refreshConsumedAt).toBeNull();
    });

    it('returns null for unknown digests, access digests and non-strings', async () => {
      expect(await store.consumeRefresh(digest('unknown'), at(60))).toBeNull();
      expect(await store.consumeRefresh(record.accessTokenDigest, at(60))).toBeNull();
      expect(await store.consumeRefresh(OPERATOR, at(60))).toBeNull();
      expect((await store.findById(record.id))!.refreshConsumedAt).toBeNull();
    });

    it('restoreRefresh makes a consumed refresh token usable again (docs/security.md 19)', async () => {
      await store.consumeRefresh(record.refreshTokenDigest!, at(60));
      await store.restoreRefresh(record.id);
      expect((await store.findById(record.id))!.refreshConsumedAt).toBeNull();
      expect(await store.consumeRefresh(record.refreshTokenDigest!, at(61))).toMatchObject({
        refreshConsumedAt: at(61),
      });
    });

    it('restoreRefresh ignores unknown, malformed and non-string ids', async () => {
      await store.consumeRefresh(record.refreshTokenDigest!, at(60));
      for (const id of [UNKNOWN_ID, 'nope', OPERATOR]) await store.restoreRefresh(id);
      expect((await store.findById(record.id))!.refreshConsumedAt).toEqual(at(60));
    });
  });

  describe('revocation', () => {
    it('revokeById reports the record it turned off once, and its live access token every time', async () => {
      const record = await store.insert(newRecord());
      const other = await store.insert(newRecord());
      const token = {
        accessTokenDigest: record.accessTokenDigest,
        accessExpiresAt: record.accessExpiresAt,
      };
      expect(await store.revokeById(record.id)).toEqual({ records: [token], unexpired: [token] });
      expect((await store.findById(record.id))!.revoked).toBe(true);
      expect((await store.findById(other.id))!.revoked).toBe(false);
      // Already revoked: nothing newly revoked, but still listed for tombstoning (ADR 0007).
      expect(await store.revokeById(record.id)).toEqual({ records: [], unexpired: [token] });
      // Past its access expiry there is nothing left to tombstone.
      expect(await store.revokeById(record.id, at(3600))).toEqual({ records: [], unexpired: [] });
      expect(await store.revokeById(UNKNOWN_ID)).toEqual({ records: [], unexpired: [] });
      expect(await store.revokeById(OPERATOR)).toEqual({ records: [], unexpired: [] });
    });

    it('revokeFamily revokes the family, reports the records it changed and every unexpired one', async () => {
      const familyId = 'family-a';
      const a1 = await store.insert(newRecord({ familyId, accessExpiresAt: at(100) }));
      const a2 = await store.insert(newRecord({ familyId, accessExpiresAt: at(200) }));
      const a3 = await store.insert(newRecord({ familyId }));
      const b1 = await store.insert(newRecord({ familyId: 'family-b' }));
      await store.revokeById(a3.id);
      const byExpiry = (list: Array<{ accessTokenDigest: string; accessExpiresAt: Date }>) =>
        [...list].sort((x, y) => x.accessExpiresAt.getTime() - y.accessExpiresAt.getTime());

      // At 150 s, a1's access token has expired: it needs no tombstone.
      const revocation = await store.revokeFamily(familyId, at(150));
      expect(byExpiry(revocation.records)).toEqual([
        { accessTokenDigest: a1.accessTokenDigest, accessExpiresAt: at(100) },
        { accessTokenDigest: a2.accessTokenDigest, accessExpiresAt: at(200) },
      ]);
      expect(byExpiry(revocation.unexpired)).toEqual([
        { accessTokenDigest: a2.accessTokenDigest, accessExpiresAt: at(200) },
        { accessTokenDigest: a3.accessTokenDigest, accessExpiresAt: at(3600) },
      ]);
      for (const id of [a1.id, a2.id, a3.id]) {
        expect((await store.findById(id))!.revoked).toBe(true);
      }
      expect((await store.findById(b1.id))!.revoked).toBe(false);
      // A retry revokes nothing new but lists the same live access tokens again.
      const retry = await store.revokeFamily(familyId, at(150));
      expect(retry.records).toEqual([]);
      expect(digestsOf(retry.unexpired)).toEqual(digestsOf([a2, a3]));
    });

    it("never lists a record it did not revoke, such as another family's", async () => {
      const mine = await store.insert(newRecord({ familyId: 'family-c' }));
      const theirs = await store.insert(newRecord({ familyId: 'family-d' }));
      const revocation = await store.revokeFamily('family-c');
      expect(digestsOf(revocation.unexpired)).toEqual(digestsOf([mine]));
      expect(digestsOf(revocation.unexpired)).not.toContain(theirs.accessTokenDigest);
    });

    it('revokeByUser revokes every token of that user only', async () => {
      const u1 = await store.insert(newRecord({ userId: 'alice', familyId: 'f1' }));
      const u2 = await store.insert(newRecord({ userId: 'alice', familyId: 'f2' }));
      const other = await store.insert(newRecord({ userId: 'bob' }));
      const machine = await store.insert(accessOnly());
      const revocation = await store.revokeByUser('alice');
      expect(digestsOf(revocation.records)).toEqual(digestsOf([u1, u2]));
      expect((await store.findById(other.id))!.revoked).toBe(false);
      expect((await store.findById(machine.id))!.revoked).toBe(false);
      expect((await store.revokeByUser('alice')).records).toEqual([]);
      expect(digestsOf((await store.revokeByUser('alice')).unexpired)).toEqual(digestsOf([u1, u2]));
    });

    it('revokeByClient revokes every token of that client only', async () => {
      const c1 = await store.insert(newRecord({ clientId: 'app' }));
      const c2 = await store.insert(accessOnly({ clientId: 'app' }));
      const other = await store.insert(newRecord({ clientId: 'other-app' }));
      await store.revokeById(c1.id);
      const revocation = await store.revokeByClient('app');
      expect(digestsOf(revocation.records)).toEqual(digestsOf([c2]));
      expect(digestsOf(revocation.unexpired)).toEqual(digestsOf([c1, c2]));
      expect((await store.findById(other.id))!.revoked).toBe(false);
    });

    it("revokeByUserAndClient revokes that user's tokens of that client only", async () => {
      const mine = await store.insert(newRecord({ userId: 'alice', clientId: 'app' }));
      const mineToo = await store.insert(accessOnly({ userId: 'alice', clientId: 'app' }));
      const otherClient = await store.insert(newRecord({ userId: 'alice', clientId: 'other' }));
      const otherUser = await store.insert(newRecord({ userId: 'bob', clientId: 'app' }));
      const machine = await store.insert(accessOnly({ clientId: 'app' }));
      const expired = await store.insert(
        newRecord({ userId: 'alice', clientId: 'app', accessExpiresAt: at(10) }),
      );
      const revocation = await store.revokeByUserAndClient('alice', 'app', at(60));
      expect(digestsOf(revocation.records)).toEqual(digestsOf([mine, mineToo, expired]));
      expect(digestsOf(revocation.unexpired)).toEqual(digestsOf([mine, mineToo]));
      for (const untouched of [otherClient, otherUser, machine]) {
        expect((await store.findById(untouched.id))!.revoked).toBe(false);
      }
      const again = await store.revokeByUserAndClient('alice', 'app', at(60));
      expect(again.records).toEqual([]);
      expect(digestsOf(again.unexpired)).toEqual(digestsOf([mine, mineToo]));
    });

    it('revoked access tokens are still found, marked revoked', async () => {
      const record = await store.insert(newRecord());
      await store.revokeFamily(record.familyId);
      expect(await store.findByAccessDigest(record.accessTokenDigest)).toMatchObject({
        id: record.id,
        revoked: true,
      });
    });

    it('treats operator objects as matching nothing (docs/security.md 2)', async () => {
      const record = await store.insert(newRecord());
      const nothing = { records: [], unexpired: [] };
      expect(await store.revokeFamily(OPERATOR)).toEqual(nothing);
      expect(await store.revokeByUser(OPERATOR)).toEqual(nothing);
      expect(await store.revokeByClient(OPERATOR)).toEqual(nothing);
      expect(await store.revokeByUserAndClient(OPERATOR, 'client-1')).toEqual(nothing);
      expect(await store.revokeByUserAndClient('user-1', OPERATOR)).toEqual(nothing);
      expect((await store.findById(record.id))!.revoked).toBe(false);
    });
  });

  describe('list', () => {
    let records: TokenRecord[];
    beforeEach(async () => {
      records = [];
      for (let i = 0; i < 5; i += 1) {
        records.push(
          await store.insert(
            newRecord({
              issuedAt: at(i),
              userId: i % 2 === 0 ? 'alice' : 'bob',
              clientId: i < 3 ? 'app' : 'cli',
            }),
          ),
        );
      }
    });

    it('pages newest first with the total count', async () => {
      const newestFirst = [...records].reverse();
      expect(await store.list({ page: 1, perPage: 2 })).toEqual({
        items: newestFirst.slice(0, 2),
        total: 5,
        page: 1,
        perPage: 2,
      });
      expect((await store.list({ page: 3, perPage: 2 })).items).toEqual(newestFirst.slice(4));
    });

    it('orders records issued at the same instant newest-inserted first', async () => {
      const same = [
        await store.insert(newRecord({ issuedAt: at(99), clientId: 'tie' })),
        await store.insert(newRecord({ issuedAt: at(99), clientId: 'tie' })),
      ];
      const page = await store.list({ page: 1, perPage: 10, clientId: 'tie' });
      expect(page.items.map((item) => item.id)).toEqual([same[1].id, same[0].id]);
    });

    it('filters by user, by client and by both', async () => {
      const byUser = await store.list({ page: 1, perPage: 10, userId: 'alice' });
      expect(byUser.items.map((item) => item.id)).toEqual([
        records[4].id,
        records[2].id,
        records[0].id,
      ]);
      expect(byUser.total).toBe(3);
      const byClient = await store.list({ page: 1, perPage: 10, clientId: 'cli' });
      expect(byClient.items.map((item) => item.id)).toEqual([records[4].id, records[3].id]);
      const both = await store.list({ page: 1, perPage: 10, userId: 'bob', clientId: 'app' });
      expect(both).toEqual({ items: [records[1]], total: 1, page: 1, perPage: 10 });
    });

    it('matches nothing for non-string filters and refuses invalid pages', async () => {
      expect((await store.list({ page: 1, perPage: 10, userId: OPERATOR })).total).toBe(0);
      expect((await store.list({ page: 1, perPage: 10, clientId: OPERATOR })).total).toBe(0);
      const error = await rejectionOf(store.list({ page: -1, perPage: 10 }));
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error).toMatchObject({ field: 'page' });
    });
  });

  it('hands out copies: changing a returned record changes nothing stored', async () => {
    const record = await store.insert(newRecord());
    const snapshot = structuredClone(record);
    record.revoked = true;
    record.scope = 'admin';
    record.accessExpiresAt.setTime(0);
    const found = await store.findByAccessDigest(snapshot.accessTokenDigest);
    expect(found).toEqual(snapshot);
    found!.refreshExpiresAt!.setTime(0);
    const consumed = await store.consumeRefresh(snapshot.refreshTokenDigest!, at(1));
    expect(consumed).toEqual({ ...snapshot, refreshConsumedAt: at(1) });
    consumed!.refreshConsumedAt!.setTime(0);
    expect((await store.list({ page: 1, perPage: 1 })).items[0]).toEqual({
      ...snapshot,
      refreshConsumedAt: at(1),
    });
  });
});

describe(`MongoTokenStore on ${MONGO_BACKEND}`, () => {
  let connection: Connection;
  let store: MongoTokenStore;

  beforeAll(async () => {
    connection = await openTestConnection('tokens_at_rest');
    store = new MongoTokenStore(connection.model(SENTINEL_TOKEN_MODEL, SentinelTokenSchema));
    await store.ensureIndexes();
  });
  afterAll(async () => {
    await dropAndClose(connection);
  });

  it('has unique digest indexes and family, user and client indexes', async () => {
    const indexes = await connection.db!.collection(TOKENS_COLLECTION).indexes();
    expect(indexes).toContainEqual(
      expect.objectContaining({ key: { accessTokenDigest: 1 }, unique: true }),
    );
    // Declared sparse; FerretDB 1.24 neither reports nor needs that flag (SQLite unique indexes
    // ignore absent fields), so only uniqueness is checked here and sparseness by behaviour above.
    expect(indexes).toContainEqual(
      expect.objectContaining({ key: { refreshTokenDigest: 1 }, unique: true }),
    );
    const keys = indexes.map((index) => Object.keys(index.key)[0]);
    expect(keys).toEqual(expect.arrayContaining(['familyId', 'userId', 'clientId']));
  });

  it('reports the TTL indexes on expireAt exactly when the server has them', async () => {
    const report = await store.ensureIndexes();
    const ttlIndexes = await Promise.all(
      [TOKENS_COLLECTION, REFRESH_CLAIMS_COLLECTION].map(async (name) => {
        const indexes = await connection
          .db!.collection(name)
          .indexes()
          .catch(() => []);
        return indexes.find((index) => index.name === TTL_INDEX);
      }),
    );
    for (const ttl of ttlIndexes) {
      if (report.ttl) {
        expect(ttl).toMatchObject({ key: { expireAt: 1 }, expireAfterSeconds: 0 });
      } else {
        expect(ttl).toBeUndefined();
      }
    }
  });

  it('decides consumption by a unique claim per token and generation (docs/security.md 6)', async () => {
    const claims = connection.db!.collection<{ _id: string }>(REFRESH_CLAIMS_COLLECTION);
    const record = await store.insert(newRecord());
    expect(await store.consumeRefresh(record.refreshTokenDigest!, at(60))).not.toBeNull();
    expect(await claims.findOne({ _id: `${record.id}:0` })).toMatchObject({
      claimedAt: at(60),
      expireAt: record.refreshExpiresAt,
    });
    await store.restoreRefresh(record.id);
    // A claim already held for the next generation, as a concurrent winner would hold it.
    await claims.insertOne({ _id: `${record.id}:1` });
    expect(await store.consumeRefresh(record.refreshTokenDigest!, at(61))).toBeNull();
    expect((await store.findById(record.id))!.refreshConsumedAt).toBeNull();
  });

  it('stores expireAt as the later expiry and omits an absent refresh digest', async () => {
    const withRefresh = await store.insert(newRecord());
    const withoutRefresh = await store.insert(accessOnly({ accessExpiresAt: at(7200) }));
    const collection = connection.db!.collection(TOKENS_COLLECTION);
    const a = await collection.findOne({ accessTokenDigest: withRefresh.accessTokenDigest });
    const b = await collection.findOne({ accessTokenDigest: withoutRefresh.accessTokenDigest });
    expect(a!.expireAt).toEqual(at(30 * 86400));
    expect(b!.expireAt).toEqual(at(7200));
    expect(b).not.toHaveProperty('refreshTokenDigest');
  });

  it('reports an unreachable database as StorageUnavailableError, never as stored', async () => {
    const cuttable = await openCuttableConnection(uniqueDbName('tokens_fault'));
    try {
      const model = cuttable.connection.model(SENTINEL_TOKEN_MODEL, SentinelTokenSchema);
      const faulty = new MongoTokenStore(model);
      await model.init();
      expect(await faulty.findById(UNKNOWN_ID)).toBeNull();
      await cuttable.connection.dropDatabase();
      await cuttable.cut();
      expect(await rejectionOf(faulty.insert(newRecord()))).toBeInstanceOf(StorageUnavailableError);
      expect(await rejectionOf(faulty.consumeRefresh(digest('x'), at(1)))).toBeInstanceOf(
        StorageUnavailableError,
      );
      expect(await rejectionOf(faulty.revokeFamily('f'))).toBeInstanceOf(StorageUnavailableError);
    } finally {
      await cuttable.close();
    }
  });
});
