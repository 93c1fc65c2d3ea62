import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Connection } from 'mongoose';
import { digest } from '../../src/crypto/digest.js';
import { generateToken } from '../../src/crypto/token-generator.js';
import type {
  AuthorizationCodeRecord,
  AuthorizationCodeStore,
} from '../../src/storage/authorization-code-store.js';
import { MemoryAuthorizationCodeStore } from '../../src/storage/memory/memory-authorization-code.store.js';
import {
  CODES_COLLECTION,
  MongoAuthorizationCodeStore,
} from '../../src/storage/mongo/mongo-authorization-code.store.js';
import { dropAndClose } from '../harness/backends.js';
import { MONGO_BACKEND, OPERATOR, openContractConnection } from './storage-fixtures.js';

const NOW = new Date('2026-12-01T12:00:00Z');

function newCode(overrides: Partial<AuthorizationCodeRecord> = {}): {
  code: string;
  record: AuthorizationCodeRecord;
} {
  const code = generateToken();
  return {
    code,
    record: {
      codeDigest: digest(code),
      clientId: 'client-1',
      userId: 'user-1',
      redirectUri: 'https://app.example.com/cb',
      redirectUriGiven: true,
      scope: 'orders',
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      familyId: generateToken(),
      issuedAt: NOW,
      expiresAt: new Date(NOW.getTime() + 60_000),
      ...overrides,
    },
  };
}

const later = (ms: number) => new Date(NOW.getTime() + ms);

describe.each([
  ['memory', async () => ({ store: new MemoryAuthorizationCodeStore(), close: async () => {} })],
  [
    MONGO_BACKEND,
    async () => {
      const connection: Connection = await openContractConnection('codes', true);
      const store = new MongoAuthorizationCodeStore(connection);
      await store.ensureIndexes();
      return { store, connection, close: () => dropAndClose(connection) };
    },
  ],
])('AuthorizationCodeStore contract: %s', (name, open) => {
  let store: AuthorizationCodeStore;
  let close: () => Promise<void>;
  let connection: Connection | undefined;

  beforeAll(async () => {
    const opened = await open();
    store = opened.store;
    close = opened.close;
    connection = 'connection' in opened ? opened.connection : undefined;
  });
  afterAll(async () => {
    await close();
  });

  it('redeems a code once, with everything it is bound to', async () => {
    const { record } = newCode();
    await store.insert(record);
    await expect(store.redeem(record.codeDigest, later(1000))).resolves.toEqual({
      outcome: 'redeemed',
      record,
    });
    await expect(store.wasReused(record.codeDigest)).resolves.toBe(false);
  });

  it('reports a second redemption as reuse, with the record whose family to revoke', async () => {
    const { record } = newCode();
    await store.insert(record);
    expect((await store.redeem(record.codeDigest, later(1000))).outcome).toBe('redeemed');
    await expect(store.redeem(record.codeDigest, later(2000))).resolves.toEqual({
      outcome: 'reused',
      record,
    });
    await expect(store.wasReused(record.codeDigest)).resolves.toBe(true);
    // Still reuse after the code's lifetime: its tokens exist and must be revoked.
    expect((await store.redeem(record.codeDigest, later(120_000))).outcome).toBe('reused');
  });

  it('refuses an unknown code, a code that expired unused, and a non-string', async () => {
    expect((await store.redeem(digest(generateToken()), NOW)).outcome).toBe('unknown');
    const { record } = newCode();
    await store.insert(record);
    expect((await store.redeem(record.codeDigest, record.expiresAt)).outcome).toBe('unknown');
    expect((await store.redeem(record.codeDigest, later(61_000))).outcome).toBe('unknown');
    expect((await store.redeem(OPERATOR, NOW)).outcome).toBe('unknown');
  });

  it('lets exactly one of 12 concurrent redemptions win, every round', async () => {
    for (let round = 0; round < 10; round += 1) {
      const { record } = newCode();
      await store.insert(record);
      const outcomes = await Promise.all(
        Array.from({ length: 12 }, () => store.redeem(record.codeDigest, later(500))),
      );
      const counts = outcomes.map((o) => o.outcome);
      expect(counts.filter((o) => o === 'redeemed')).toHaveLength(1);
      expect(counts.filter((o) => o === 'reused')).toHaveLength(11);
    }
  });

  if (name === MONGO_BACKEND) {
    it('stores the digest only, never the code (docs/security.md 20)', async () => {
      const { code, record } = newCode();
      await store.insert(record);
      const stored = await connection!.collection(CODES_COLLECTION).find({}).toArray();
      expect(JSON.stringify(stored)).not.toContain(code);
      expect(stored.some((doc) => doc._id === (record.codeDigest as unknown))).toBe(true);
    });
  }
});
