import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Connection } from 'mongoose';
import { MemoryUserStore } from '../../src/storage/memory/memory-user.store.js';
import { MongoUserStore } from '../../src/storage/mongo/mongo-user.store.js';
import { SENTINEL_USER_MODEL, SentinelUserSchema } from '../../src/storage/mongo/user.schema.js';
import {
  ConflictError,
  InvalidInputError,
  StorageUnavailableError,
} from '../../src/storage/storage.errors.js';
import type { SentinelUser, UserRepository } from '../../src/storage/user-store.js';
import { USERS_COLLECTION } from '../../src/sentinel.constants.js';
import { dropAndClose, openTestConnection, uniqueDbName } from '../harness/backends.js';
import {
  CountingHasher,
  MONGO_BACKEND,
  MONGO_SANITIZED_BACKEND,
  openContractConnection,
  OPERATOR,
  openCuttableConnection,
  rejectionOf,
} from './storage-fixtures.js';

/** One backend under the contract: a fresh, empty store per test. */
interface Backend {
  fresh(hasher: CountingHasher): Promise<UserRepository>;
  close(): Promise<void>;
}

const openMemory = async (): Promise<Backend> => ({
  fresh: async (hasher) => new MemoryUserStore(hasher),
  close: async () => undefined,
});

const openMongo = (sanitizeFilter: boolean) => async (): Promise<Backend> => {
  const connection = await openContractConnection('users', sanitizeFilter);
  const model = connection.model(SENTINEL_USER_MODEL, SentinelUserSchema);
  await new MongoUserStore(model, new CountingHasher()).ensureIndexes();
  return {
    async fresh(hasher) {
      await model.deleteMany({});
      return new MongoUserStore(model, hasher);
    },
    close: () => dropAndClose(connection),
  };
};

const USER_KEYS = ['createdAt', 'disabled', 'id', 'scope', 'updatedAt', 'username'];
const UNKNOWN_ID = '0123456789abcdef01234567';

describe.each([
  ['memory', openMemory],
  [MONGO_BACKEND, openMongo(false)],
  [MONGO_SANITIZED_BACKEND, openMongo(true)],
])('UserRepository contract: %s', (_name, open) => {
  let backend: Backend;
  let hasher: CountingHasher;
  let store: UserRepository;

  beforeAll(async () => {
    backend = await open();
  });
  afterAll(async () => {
    await backend.close();
  });
  beforeEach(async () => {
    hasher = new CountingHasher();
    store = await backend.fresh(hasher);
  });

  describe('create', () => {
    it('returns the public fields only, with an ObjectId-shaped id and defaults', async () => {
      const user = await store.create({ username: 'alice', password: 'correct horse' });
      expect(Object.keys(user).sort()).toEqual(USER_KEYS);
      expect(user.id).toMatch(/^[0-9a-f]{24}$/);
      expect(user).toMatchObject({ username: 'alice', scope: '', disabled: false });
      expect(user.createdAt).toBeInstanceOf(Date);
      expect(user.updatedAt).toBeInstanceOf(Date);
      expect(JSON.stringify(user)).not.toContain('correct horse');
      expect(JSON.stringify(user)).not.toContain('$2');
    });

    it('keeps the given scope and disabled flag', async () => {
      const user = await store.create({
        username: 'bob',
        password: 'pw',
        scope: 'read write',
        disabled: true,
      });
      expect(user).toMatchObject({ scope: 'read write', disabled: true });
      expect(await store.findById(user.id)).toEqual(user);
    });

    it('hashes the password through the PasswordHasher (docs/security.md 16)', async () => {
      await store.create({ username: 'alice', password: 'pw' });
      expect(hasher.calls.hash).toBe(1);
    });

    it('refuses a taken username with ConflictError naming username', async () => {
      await store.create({ username: 'alice', password: 'pw1' });
      const error = await rejectionOf(store.create({ username: 'alice', password: 'pw2' }));
      expect(error).toBeInstanceOf(ConflictError);
      expect(error).toMatchObject({ field: 'username' });
      expect((await store.list({ page: 1, perPage: 10 })).total).toBe(1);
    });

    it('lets exactly one of two concurrent creations of one username win', async () => {
      const results = await Promise.allSettled([
        store.create({ username: 'race', password: 'pw1' }),
        store.create({ username: 'race', password: 'pw2' }),
      ]);
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const [failure] = results.filter((result) => result.status === 'rejected');
      expect(failure.reason).toBeInstanceOf(ConflictError);
      expect((await store.list({ page: 1, perPage: 10 })).total).toBe(1);
    });

    it('refuses passwords over 72 bytes instead of truncating them (docs/security.md 16)', async () => {
      // 37 two-byte characters: 74 bytes, although only 37 characters.
      const error = await rejectionOf(store.create({ username: 'u', password: 'é'.repeat(37) }));
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error).toMatchObject({ field: 'password' });
      expect((await store.list({ page: 1, perPage: 10 })).total).toBe(0);
    });

    it('accepts a password of exactly 72 bytes, and its 71-byte prefix does not match', async () => {
      const password = 'é'.repeat(36);
      await store.create({ username: 'u', password });
      expect(await store.verifyCredentials('u', password)).not.toBeNull();
      expect(await store.verifyCredentials('u', password.slice(0, 35) + 'e')).toBeNull();
    });

    it('refuses an empty password and an empty username', async () => {
      const noPassword = await rejectionOf(store.create({ username: 'u', password: '' }));
      expect(noPassword).toBeInstanceOf(InvalidInputError);
      expect(noPassword).toMatchObject({ field: 'password' });
      const noUsername = await rejectionOf(store.create({ username: '', password: 'pw' }));
      expect(noUsername).toBeInstanceOf(InvalidInputError);
      expect(noUsername).toMatchObject({ field: 'username' });
    });
  });

  describe('verifyCredentials', () => {
    let alice: SentinelUser;
    beforeEach(async () => {
      alice = await store.create({ username: 'alice', password: 'correct horse', scope: 'read' });
    });

    it('returns the user for the right password, without hash or password', async () => {
      const user = await store.verifyCredentials('alice', 'correct horse');
      expect(user).toEqual(alice);
      expect(Object.keys(user!).sort()).toEqual(USER_KEYS);
    });

    it('returns null for a wrong password', async () => {
      expect(await store.verifyCredentials('alice', 'wrong horse')).toBeNull();
      expect(hasher.calls.verify).toBe(1);
    });

    it('returns null for an unknown user after a dummy bcrypt comparison (docs/security.md 14)', async () => {
      expect(await store.verifyCredentials('mallory', 'correct horse')).toBeNull();
      expect(hasher.calls.burn).toBe(1);
    });

    it('is case-sensitive on the username', async () => {
      expect(await store.verifyCredentials('Alice', 'correct horse')).toBeNull();
    });

    it('returns null for a disabled user even with the right password', async () => {
      await store.update(alice.id, { disabled: true });
      expect(await store.verifyCredentials('alice', 'correct horse')).toBeNull();
    });

    it('returns null for an over-long password', async () => {
      expect(await store.verifyCredentials('alice', 'correct horse' + 'x'.repeat(80))).toBeNull();
    });

    it('treats operator objects as unknown, never as a query (docs/security.md 2)', async () => {
      expect(await store.verifyCredentials(OPERATOR, 'correct horse')).toBeNull();
      expect(await store.verifyCredentials('alice', OPERATOR)).toBeNull();
    });
  });

  describe('findById', () => {
    it('finds a user by id and returns null for unknown or malformed ids', async () => {
      const alice = await store.create({ username: 'alice', password: 'pw' });
      expect(await store.findById(alice.id)).toEqual(alice);
      expect(await store.findById(UNKNOWN_ID)).toBeNull();
      for (const malformed of ['', 'not-an-id', 'aaaaaaaaaaaa', alice.id.toUpperCase()]) {
        expect(await store.findById(malformed)).toBeNull();
      }
    });

    it('treats an operator object as unknown (docs/security.md 2)', async () => {
      await store.create({ username: 'alice', password: 'pw' });
      expect(await store.findById(OPERATOR)).toBeNull();
    });
  });

  describe('list', () => {
    it('pages in creation order with the total count', async () => {
      const created: SentinelUser[] = [];
      for (const username of ['u1', 'u2', 'u3', 'u4', 'u5']) {
        created.push(await store.create({ username, password: 'pw' }));
      }
      const first = await store.list({ page: 1, perPage: 2 });
      expect(first).toEqual({ items: created.slice(0, 2), total: 5, page: 1, perPage: 2 });
      const last = await store.list({ page: 3, perPage: 2 });
      expect(last.items).toEqual(created.slice(4));
      expect(last.total).toBe(5);
      expect((await store.list({ page: 4, perPage: 2 })).items).toEqual([]);
    });

    it('filters by exact username only', async () => {
      const alice = await store.create({ username: 'alice', password: 'pw' });
      await store.create({ username: 'alicia', password: 'pw' });
      expect(await store.list({ page: 1, perPage: 10, username: 'alice' })).toEqual({
        items: [alice],
        total: 1,
        page: 1,
        perPage: 10,
      });
      expect((await store.list({ page: 1, perPage: 10, username: 'ali' })).total).toBe(0);
      expect((await store.list({ page: 1, perPage: 10, username: OPERATOR })).total).toBe(0);
    });

    it('refuses pages below 1 and non-integer sizes', async () => {
      const page = await rejectionOf(store.list({ page: 0, perPage: 10 }));
      expect(page).toBeInstanceOf(InvalidInputError);
      expect(page).toMatchObject({ field: 'page' });
      const perPage = await rejectionOf(store.list({ page: 1, perPage: 1.5 }));
      expect(perPage).toMatchObject({ field: 'perPage' });
    });
  });

  describe('update', () => {
    let alice: SentinelUser;
    beforeEach(async () => {
      alice = await store.create({ username: 'alice', password: 'old password' });
    });

    it('re-hashes a new password: the old one stops working', async () => {
      const updated = await store.update(alice.id, { password: 'new password' });
      expect(updated).toMatchObject({ id: alice.id, username: 'alice' });
      expect(hasher.calls.hash).toBe(2);
      expect(await store.verifyCredentials('alice', 'old password')).toBeNull();
      expect(await store.verifyCredentials('alice', 'new password')).toMatchObject({
        id: alice.id,
      });
    });

    it('changes scope and disabled and moves updatedAt', async () => {
      const updated = await store.update(alice.id, { scope: 'admin', disabled: true });
      expect(updated).toMatchObject({ scope: 'admin', disabled: true });
      expect(updated!.updatedAt.getTime()).toBeGreaterThanOrEqual(alice.updatedAt.getTime());
      expect(updated!.createdAt).toEqual(alice.createdAt);
      expect(await store.findById(alice.id)).toEqual(updated);
    });

    it('returns the user unchanged for an empty change', async () => {
      expect(await store.update(alice.id, {})).toEqual(alice);
    });

    it('refuses an over-long new password and keeps the old one', async () => {
      const error = await rejectionOf(store.update(alice.id, { password: 'x'.repeat(73) }));
      expect(error).toBeInstanceOf(InvalidInputError);
      expect(error).toMatchObject({ field: 'password' });
      expect(await store.verifyCredentials('alice', 'old password')).not.toBeNull();
    });

    it('returns null for unknown, malformed and non-string ids', async () => {
      for (const id of [UNKNOWN_ID, 'nope', OPERATOR]) {
        expect(await store.update(id, { scope: 'x' })).toBeNull();
      }
      expect(await store.findById(alice.id)).toEqual(alice);
    });
  });

  describe('delete', () => {
    it('deletes once and reports whether it did', async () => {
      const alice = await store.create({ username: 'alice', password: 'pw' });
      expect(await store.delete(alice.id)).toBe(true);
      expect(await store.delete(alice.id)).toBe(false);
      expect(await store.findById(alice.id)).toBeNull();
      expect(await store.verifyCredentials('alice', 'pw')).toBeNull();
    });

    it('returns false for malformed and non-string ids without deleting anything', async () => {
      await store.create({ username: 'alice', password: 'pw' });
      expect(await store.delete('nope')).toBe(false);
      expect(await store.delete(OPERATOR)).toBe(false);
      expect((await store.list({ page: 1, perPage: 10 })).total).toBe(1);
    });

    it('frees the username for a new user', async () => {
      const alice = await store.create({ username: 'alice', password: 'pw' });
      await store.delete(alice.id);
      const again = await store.create({ username: 'alice', password: 'pw2' });
      expect(again.id).not.toBe(alice.id);
    });
  });

  it('hands out copies: changing a returned user changes nothing stored', async () => {
    const alice = await store.create({ username: 'alice', password: 'pw', scope: 'read' });
    const snapshot = structuredClone(alice);
    alice.scope = 'admin';
    alice.disabled = true;
    alice.createdAt.setTime(0);
    const found = await store.findById(snapshot.id);
    expect(found).toEqual(snapshot);
    found!.updatedAt.setTime(0);
    expect((await store.list({ page: 1, perPage: 1 })).items[0]).toEqual(snapshot);
  });
});

describe(`MongoUserStore on ${MONGO_BACKEND}`, () => {
  let connection: Connection;
  let store: MongoUserStore;

  beforeAll(async () => {
    connection = await openTestConnection('users_at_rest');
    store = new MongoUserStore(
      connection.model(SENTINEL_USER_MODEL, SentinelUserSchema),
      new CountingHasher(),
    );
    await store.ensureIndexes();
  });
  afterAll(async () => {
    await dropAndClose(connection);
  });

  it('stores only a bcrypt hash of the password, in sentinel_users (docs/security.md 20)', async () => {
    const user = await store.create({ username: 'at-rest', password: 'plain secret' });
    const raw = await connection.db!.collection(USERS_COLLECTION).findOne({ username: 'at-rest' });
    expect(raw!._id.toHexString()).toBe(user.id);
    expect(raw!.passwordHash).toMatch(/^\$2[aby]\$04\$/);
    expect(JSON.stringify(raw)).not.toContain('plain secret');
  });

  it('has a unique index on username, and ensureIndexes is idempotent', async () => {
    await store.ensureIndexes();
    const indexes = await connection.db!.collection(USERS_COLLECTION).indexes();
    expect(indexes).toContainEqual(expect.objectContaining({ key: { username: 1 }, unique: true }));
  });

  it('reports an unreachable database as StorageUnavailableError (docs/security.md 18)', async () => {
    const cuttable = await openCuttableConnection(uniqueDbName('users_fault'));
    try {
      const model = cuttable.connection.model(SENTINEL_USER_MODEL, SentinelUserSchema);
      const faulty = new MongoUserStore(model, new CountingHasher());
      await model.init();
      expect(await faulty.findById(UNKNOWN_ID)).toBeNull();
      await cuttable.connection.dropDatabase();
      await cuttable.cut();
      expect(await rejectionOf(faulty.verifyCredentials('alice', 'pw'))).toBeInstanceOf(
        StorageUnavailableError,
      );
      expect(await rejectionOf(faulty.create({ username: 'a', password: 'pw' }))).toBeInstanceOf(
        StorageUnavailableError,
      );
    } finally {
      await cuttable.close();
    }
  });
});
