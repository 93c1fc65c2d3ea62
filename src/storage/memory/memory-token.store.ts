import { ConflictError } from '../storage.errors.js';
import {
  assertDate,
  assertNewTokenRecord,
  assertPage,
  isQueryString,
  isRecordId,
  newRecordId,
} from '../store-input.js';
import type {
  NewTokenRecord,
  Revocation,
  TokenQuery,
  TokenRecord,
  TokenStore,
} from '../token-store.js';
import type { Page } from '../user-store.js';

/**
 * {@link TokenStore} held in process memory: the zero-setup development default. Behaves
 * exactly like `MongoTokenStore` and hands out copies. Each method checks and changes state
 * without an `await` in between, which makes {@link consumeRefresh} atomic (docs/security.md 6).
 * Like a Mongo server without TTL indexes, it keeps expired records until they are deleted.
 */
export class MemoryTokenStore implements TokenStore {
  private readonly records = new Map<string, TokenRecord>();
  private readonly byAccessDigest = new Map<string, string>();
  private readonly byRefreshDigest = new Map<string, string>();

  /** @throws ConflictError naming `accessTokenDigest` or `refreshTokenDigest` when already stored. */
  async insert(record: NewTokenRecord): Promise<TokenRecord> {
    assertNewTokenRecord(record);
    if (this.byAccessDigest.has(record.accessTokenDigest)) {
      throw new ConflictError('accessTokenDigest already exists', 'accessTokenDigest');
    }
    if (record.refreshTokenDigest !== null && this.byRefreshDigest.has(record.refreshTokenDigest)) {
      throw new ConflictError('refreshTokenDigest already exists', 'refreshTokenDigest');
    }
    const stored = copy({ ...record, id: newRecordId(), refreshConsumedAt: null, revoked: false });
    this.records.set(stored.id, stored);
    this.byAccessDigest.set(stored.accessTokenDigest, stored.id);
    if (stored.refreshTokenDigest !== null) {
      this.byRefreshDigest.set(stored.refreshTokenDigest, stored.id);
    }
    return copy(stored);
  }

  async findByAccessDigest(digest: string): Promise<TokenRecord | null> {
    return this.copyOf(isQueryString(digest) ? this.byAccessDigest.get(digest) : undefined);
  }

  async findByRefreshDigest(digest: string): Promise<TokenRecord | null> {
    return this.copyOf(isQueryString(digest) ? this.byRefreshDigest.get(digest) : undefined);
  }

  async findById(id: string): Promise<TokenRecord | null> {
    return this.copyOf(isRecordId(id) ? id : undefined);
  }

  /**
   * Consumes only when unconsumed, not revoked and not expired at `now` (docs/security.md 6).
   * @returns the record as it is after the update (`refreshConsumedAt` = `now`), or `null`.
   */
  async consumeRefresh(digest: string, now: Date): Promise<TokenRecord | null> {
    if (!isQueryString(digest)) return null;
    assertDate(now, 'now');
    const id = this.byRefreshDigest.get(digest);
    const stored = id === undefined ? undefined : this.records.get(id);
    if (
      !stored ||
      stored.refreshConsumedAt !== null ||
      stored.revoked ||
      stored.refreshExpiresAt === null ||
      stored.refreshExpiresAt.getTime() <= now.getTime()
    ) {
      return null;
    }
    stored.refreshConsumedAt = new Date(now);
    return copy(stored);
  }

  /** Clears `refreshConsumedAt` (sets it back to `null`); unknown ids are ignored. */
  async restoreRefresh(id: string): Promise<void> {
    const stored = isRecordId(id) ? this.records.get(id) : undefined;
    if (stored) stored.refreshConsumedAt = null;
  }

  async revokeById(id: string, now = new Date()): Promise<Revocation> {
    if (!isRecordId(id)) return NOTHING_REVOKED();
    return this.revokeWhere((record) => record.id === id, now);
  }

  async revokeFamily(familyId: string, now = new Date()): Promise<Revocation> {
    if (!isQueryString(familyId)) return NOTHING_REVOKED();
    return this.revokeWhere((record) => record.familyId === familyId, now);
  }

  async revokeByUser(userId: string, now = new Date()): Promise<Revocation> {
    if (!isQueryString(userId)) return NOTHING_REVOKED();
    return this.revokeWhere((record) => record.userId === userId, now);
  }

  async revokeByClient(clientId: string, now = new Date()): Promise<Revocation> {
    if (!isQueryString(clientId)) return NOTHING_REVOKED();
    return this.revokeWhere((record) => record.clientId === clientId, now);
  }

  async revokeByUserAndClient(
    userId: string,
    clientId: string,
    now = new Date(),
  ): Promise<Revocation> {
    if (!isQueryString(userId) || !isQueryString(clientId)) return NOTHING_REVOKED();
    return this.revokeWhere(
      (record) => record.userId === userId && record.clientId === clientId,
      now,
    );
  }

  /** Newest first (by `issuedAt`, then id); filters by `userId` and/or `clientId` when given. */
  async list(query: TokenQuery): Promise<Page<TokenRecord>> {
    assertPage(query);
    const { page, perPage, userId, clientId } = query;
    if (
      (userId !== undefined && !isQueryString(userId)) ||
      (clientId !== undefined && !isQueryString(clientId))
    ) {
      return { items: [], total: 0, page, perPage };
    }
    const matching = [...this.records.values()]
      .filter(
        (record) =>
          (userId === undefined || record.userId === userId) &&
          (clientId === undefined || record.clientId === clientId),
      )
      .sort(
        (a, b) =>
          b.issuedAt.getTime() - a.issuedAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
      );
    const items = matching.slice((page - 1) * perPage, page * perPage).map(copy);
    return { items, total: matching.length, page, perPage };
  }

  private copyOf(id: string | undefined): TokenRecord | null {
    const stored = id === undefined ? undefined : this.records.get(id);
    return stored ? copy(stored) : null;
  }

  /**
   * Revokes the records that match; reports the ones this call changed, and every matching
   * record whose access token is unexpired at `now` (synchronous, so nothing slips in between).
   */
  private revokeWhere(matches: (record: TokenRecord) => boolean, now: Date): Revocation {
    assertDate(now, 'now');
    const revocation = NOTHING_REVOKED();
    for (const record of this.records.values()) {
      if (!matches(record)) continue;
      const token = {
        accessTokenDigest: record.accessTokenDigest,
        accessExpiresAt: new Date(record.accessExpiresAt),
      };
      if (!record.revoked) revocation.records.push(token);
      record.revoked = true;
      if (record.accessExpiresAt.getTime() > now.getTime()) revocation.unexpired.push(token);
    }
    return revocation;
  }
}

const NOTHING_REVOKED = (): Revocation => ({ records: [], unexpired: [] });

function copy(record: TokenRecord): TokenRecord {
  return {
    id: record.id,
    accessTokenDigest: record.accessTokenDigest,
    refreshTokenDigest: record.refreshTokenDigest,
    userId: record.userId,
    clientId: record.clientId,
    scope: record.scope,
    familyId: record.familyId,
    issuedAt: new Date(record.issuedAt),
    accessExpiresAt: new Date(record.accessExpiresAt),
    refreshExpiresAt: record.refreshExpiresAt === null ? null : new Date(record.refreshExpiresAt),
    refreshConsumedAt:
      record.refreshConsumedAt === null ? null : new Date(record.refreshConsumedAt),
    revoked: record.revoked,
  };
}
