import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Connection } from 'mongoose';
import type { ConsentStore } from '../../src/storage/consent-store.js';
import { MemoryConsentStore } from '../../src/storage/memory/memory-consent.store.js';
import {
  CONSENT_SCOPES_COLLECTION,
  CONSENTS_COLLECTION,
  MongoConsentStore,
} from '../../src/storage/mongo/mongo-consent.store.js';
import { InvalidInputError } from '../../src/storage/storage.errors.js';
import { dropAndClose } from '../harness/backends.js';
import {
  MONGO_BACKEND,
  MONGO_SANITIZED_BACKEND,
  OPERATOR,
  openContractConnection,
  rejectionOf,
} from './storage-fixtures.js';

/** One backend under the contract: a fresh, empty store per test. */
interface Backend {
  fresh(): Promise<ConsentStore>;
  connection?: Connection;
  close(): Promise<void>;
}

const openMemory = async (): Promise<Backend> => ({
  fresh: async () => new MemoryConsentStore(),
  close: async () => undefined,
});

const openMongo = (sanitizeFilter: boolean) => async (): Promise<Backend> => {
  const connection = await openContractConnection('consents', sanitizeFilter);
  await new MongoConsentStore(connection).ensureIndexes();
  return {
    async fresh() {
      await connection.collection(CONSENTS_COLLECTION).deleteMany({});
      await connection.collection(CONSENT_SCOPES_COLLECTION).deleteMany({});
      return new MongoConsentStore(connection);
    },
    connection,
    close: () => dropAndClose(connection),
  };
};

const T0 = new Date('2026-12-01T12:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe.each([
  ['memory', openMemory],
  [MONGO_BACKEND, openMongo(false)],
  [MONGO_SANITIZED_BACKEND, openMongo(true)],
])('ConsentStore contract: %s', (name, open) => {
  let backend: Backend;
  let store: ConsentStore;

  beforeAll(async () => {
    backend = await open();
  });
  afterAll(async () => {
    await backend.close();
  });
  beforeEach(async () => {
    store = await backend.fresh();
  });

  describe('find and grant', () => {
    it('finds nothing before a grant, then the consent as granted', async () => {
      expect(await store.find('user-1', 'client-1')).toBeNull();
      const granted = await store.grant('user-1', 'client-1', ['orders', 'profile'], T0);
      expect(granted).toEqual({
        userId: 'user-1',
        clientId: 'client-1',
        scope: 'orders profile',
        createdAt: T0,
        updatedAt: T0,
      });
      expect(await store.find('user-1', 'client-1')).toEqual(granted);
      expect(await store.find('user-1', 'client-2')).toBeNull();
      expect(await store.find('user-2', 'client-1')).toBeNull();
    });

    it('stores the union of every grant, canonical (sorted, unique), keeping createdAt', async () => {
      await store.grant('user-1', 'client-1', ['profile', 'orders'], T0);
      const second = await store.grant('user-1', 'client-1', ['write', 'orders', 'admin'], at(5));
      expect(second).toMatchObject({
        scope: 'admin orders profile write',
        createdAt: T0,
        updatedAt: at(5),
      });
      // A grant of nothing new changes no scope, only when it was last confirmed.
      const third = await store.grant('user-1', 'client-1', [], at(9));
      expect(third).toMatchObject({ scope: 'admin orders profile write', updatedAt: at(9) });
      expect(await store.find('user-1', 'client-1')).toEqual(third);
    });

    it('remembers an empty grant as an empty scope', async () => {
      expect((await store.grant('user-1', 'client-1', [], T0)).scope).toBe('');
      expect((await store.find('user-1', 'client-1'))!.scope).toBe('');
    });

    it('refuses bad arguments, naming them, and stores nothing', async () => {
      const cases: Array<[unknown[], string]> = [
        [[OPERATOR, 'client-1', ['orders']], 'userId'],
        [['', 'client-1', ['orders']], 'userId'],
        [['user-1', OPERATOR, ['orders']], 'clientId'],
        [['user-1', 'client-1', 'orders'], 'scopes'],
        [['user-1', 'client-1', ['two words']], 'scopes'],
        [['user-1', 'client-1', [{ $ne: '' }]], 'scopes'],
      ];
      for (const [args, field] of cases) {
        const error = await rejectionOf(
          (store.grant as (...a: unknown[]) => Promise<unknown>)(...args),
        );
        expect(error).toBeInstanceOf(InvalidInputError);
        expect(error).toMatchObject({ field });
      }
      expect((await store.listByUser('user-1', { page: 1, perPage: 10 })).total).toBe(0);
    });

    it('treats non-string ids as unknown: null, false, 0, an empty page (docs/security.md 2)', async () => {
      await store.grant('user-1', 'client-1', ['orders'], T0);
      expect(await store.find(OPERATOR, 'client-1')).toBeNull();
      expect(await store.find('user-1', OPERATOR)).toBeNull();
      expect(await store.revoke(OPERATOR, 'client-1')).toBe(false);
      expect(await store.revoke('user-1', OPERATOR)).toBe(false);
      expect(await store.revokeAllOfUser(OPERATOR)).toBe(0);
      expect(await store.revokeAllOfClient(OPERATOR)).toBe(0);
      expect((await store.listByUser(OPERATOR, { page: 1, perPage: 10 })).items).toEqual([]);
      expect(await store.find('user-1', 'client-1')).not.toBeNull();
    });

    it('loses no scope when 10 grants of different scopes race, every round', async () => {
      for (let round = 0; round < 5; round += 1) {
        const clientId = `racing-${round}`;
        const scopes = Array.from({ length: 10 }, (_, i) => `s${i}`);
        await Promise.all(
          scopes.map((scope, i) => store.grant('user-1', clientId, [scope, 'common'], at(i))),
        );
        const stored = await store.find('user-1', clientId);
        expect(stored!.scope).toBe(['common', ...scopes].sort().join(' '));
      }
      // One document per (user, client), however the first grants raced.
      expect((await store.listByUser('user-1', { page: 1, perPage: 100 })).total).toBe(5);
      if (backend.connection) {
        const docs = await backend.connection
          .collection(CONSENTS_COLLECTION)
          .countDocuments({ userId: 'user-1' });
        expect(docs).toBe(5);
      }
    });
  });

  describe('listByUser', () => {
    it("pages the user's consents newest change first, with the total", async () => {
      await store.grant('user-1', 'client-a', ['orders'], at(1));
      await store.grant('user-1', 'client-b', ['orders'], at(2));
      await store.grant('user-1', 'client-c', ['orders'], at(3));
      await store.grant('user-2', 'client-a', ['orders'], at(4));
      // A new grant moves client-a to the front.
      await store.grant('user-1', 'client-a', ['profile'], at(5));
      const first = await store.listByUser('user-1', { page: 1, perPage: 2 });
      expect(first).toMatchObject({ total: 3, page: 1, perPage: 2 });
      expect(first.items.map((c) => [c.clientId, c.scope])).toEqual([
        ['client-a', 'orders profile'],
        ['client-c', 'orders'],
      ]);
      const second = await store.listByUser('user-1', { page: 2, perPage: 2 });
      expect(second.items.map((c) => c.clientId)).toEqual(['client-b']);
      expect((await store.listByUser('user-1', { page: 3, perPage: 2 })).items).toEqual([]);
      expect((await store.listByUser('nobody', { page: 1, perPage: 2 })).total).toBe(0);
    });

    it('orders consents changed at the same instant by client id', async () => {
      for (const clientId of ['client-c', 'client-a', 'client-b']) {
        await store.grant('user-1', clientId, ['orders'], T0);
      }
      const page = await store.listByUser('user-1', { page: 1, perPage: 10 });
      expect(page.items.map((c) => c.clientId)).toEqual(['client-a', 'client-b', 'client-c']);
    });

    it('refuses invalid pages', async () => {
      for (const query of [
        { page: 0, perPage: 10 },
        { page: 1, perPage: 0 },
        { page: 1.5, perPage: 10 },
      ]) {
        expect(await rejectionOf(store.listByUser('user-1', query))).toBeInstanceOf(
          InvalidInputError,
        );
      }
    });
  });

  describe('revoke', () => {
    it('withdraws one consent once; a later grant starts afresh', async () => {
      await store.grant('user-1', 'client-1', ['orders', 'profile'], T0);
      await store.grant('user-1', 'client-2', ['orders'], T0);
      expect(await store.revoke('user-1', 'client-1')).toBe(true);
      expect(await store.revoke('user-1', 'client-1')).toBe(false);
      expect(await store.find('user-1', 'client-1')).toBeNull();
      expect(await store.find('user-1', 'client-2')).not.toBeNull();
      // Remembered consent never covers a scope granted before the withdrawal (docs/security.md 30).
      const again = await store.grant('user-1', 'client-1', ['orders'], at(10));
      expect(again).toMatchObject({ scope: 'orders', createdAt: at(10) });
    });

    it('withdraws every consent of a user, and only theirs', async () => {
      await store.grant('user-1', 'client-1', ['orders'], T0);
      await store.grant('user-1', 'client-2', ['orders'], T0);
      await store.grant('user-2', 'client-1', ['orders'], T0);
      expect(await store.revokeAllOfUser('user-1')).toBe(2);
      expect(await store.revokeAllOfUser('user-1')).toBe(0);
      expect((await store.listByUser('user-1', { page: 1, perPage: 10 })).total).toBe(0);
      expect(await store.find('user-2', 'client-1')).not.toBeNull();
    });

    it('withdraws every consent given to a client, and only those', async () => {
      await store.grant('user-1', 'client-1', ['orders'], T0);
      await store.grant('user-2', 'client-1', ['orders'], T0);
      await store.grant('user-1', 'client-2', ['orders'], T0);
      expect(await store.revokeAllOfClient('client-1')).toBe(2);
      expect(await store.revokeAllOfClient('client-1')).toBe(0);
      expect(await store.find('user-1', 'client-1')).toBeNull();
      expect(await store.find('user-2', 'client-1')).toBeNull();
      expect(await store.find('user-1', 'client-2')).not.toBeNull();
    });
  });

  it('hands out copies: changing a returned consent changes nothing stored', async () => {
    const granted = await store.grant('user-1', 'client-1', ['orders'], T0);
    granted.scope = 'admin';
    granted.createdAt.setTime(0);
    const found = await store.find('user-1', 'client-1');
    expect(found).toMatchObject({ scope: 'orders', createdAt: T0 });
    found!.updatedAt.setTime(0);
    expect((await store.listByUser('user-1', { page: 1, perPage: 1 })).items[0].updatedAt).toEqual(
      T0,
    );
  });

  if (name !== 'memory') {
    it('creates its indexes again without harm (a second instance starting)', async () => {
      await new MongoConsentStore(backend.connection!).ensureIndexes();
      await new MongoConsentStore(backend.connection!).ensureIndexes();
      await store.grant('user-1', 'client-1', ['orders'], T0);
      expect((await store.find('user-1', 'client-1'))!.scope).toBe('orders');
    });

    it('has a unique index on (userId, clientId)', async () => {
      const indexes = await backend.connection!.collection(CONSENTS_COLLECTION).indexes();
      expect(indexes).toContainEqual(
        expect.objectContaining({ key: { userId: 1, clientId: 1 }, unique: true }),
      );
    });

    it('leaves no scope of a withdrawn consent behind', async () => {
      await store.grant('user-1', 'client-1', ['orders', 'profile'], T0);
      await store.grant('user-2', 'client-1', ['orders'], T0);
      await store.grant('user-1', 'client-2', ['orders'], T0);
      const scopes = backend.connection!.collection(CONSENT_SCOPES_COLLECTION);
      expect(await scopes.countDocuments({})).toBe(4);
      await store.revoke('user-1', 'client-1');
      expect(await scopes.countDocuments({})).toBe(2);
      await store.revokeAllOfClient('client-1');
      await store.revokeAllOfUser('user-1');
      expect(await scopes.countDocuments({})).toBe(0);
    });
  }
});
