import { randomBytes } from 'node:crypto';
import mongoose, { type Model, type Types } from 'mongoose';
import {
  assertDate,
  assertNewTokenRecord,
  assertPage,
  isQueryString,
  isRecordId,
  recordExpiry,
} from '../store-input.js';
import type {
  NewTokenRecord,
  Revocation,
  TokenQuery,
  TokenRecord,
  TokenStore,
} from '../token-store.js';
import type { Page } from '../user-store.js';
import {
  duplicateKeyField,
  isDuplicateKeyError,
  mongoCall,
  toStorageError,
} from './mongo-errors.js';
import { createTtlIndex, RefreshClaims } from './refresh-claims.js';
import type { SentinelTokenDocument, SentinelTokenModel } from './token.schema.js';

type TokenDoc = SentinelTokenDocument & { _id: Types.ObjectId };
type TokenFilter = mongoose.QueryFilter<SentinelTokenDocument>;

/** What {@link MongoTokenStore.ensureIndexes} could create. */
export interface TokenIndexReport {
  /**
   * Whether the TTL index on `expireAt` exists, so the server deletes expired records itself.
   * `false` on servers without TTL indexes (FerretDB 1.24): records then stay until deleted.
   */
  ttl: boolean;
}

const REVOCATION_PROJECTION = { accessTokenDigest: 1, accessExpiresAt: 1 } as const;

/**
 * {@link TokenStore} on the `sentinel_tokens` collection (plus `sentinel_refresh_claims`, see
 * {@link consumeRefresh}). Holds SHA-256 digests only (SECURITY.md 20); every write is
 * acknowledged by a journaled majority before it resolves (SECURITY.md 19).
 */
export class MongoTokenStore implements TokenStore {
  private readonly model: Model<SentinelTokenDocument>;
  private readonly claims: RefreshClaims;

  constructor(model: SentinelTokenModel) {
    this.model = model;
    this.claims = new RefreshClaims(model.db);
  }

  /**
   * Creates the indexes: unique access digest, sparse unique refresh digest, family, user,
   * client, and TTL indexes on `expireAt` (tokens and refresh claims) where the server supports
   * them. Call once at start-up; idempotent.
   */
  async ensureIndexes(): Promise<TokenIndexReport> {
    await mongoCall(() => this.model.createIndexes());
    // Not declared on the schema: Mongoose's automatic index build would fail on servers
    // without TTL support, and these are optional.
    const tokens = await createTtlIndex(this.model.collection);
    const claims = await this.claims.ensureIndexes();
    return { ttl: tokens && claims };
  }

  /** @throws ConflictError naming `accessTokenDigest` or `refreshTokenDigest` when already stored. */
  async insert(record: NewTokenRecord): Promise<TokenRecord> {
    assertNewTokenRecord(record);
    const { refreshTokenDigest, ...rest } = record;
    const doc = {
      ...rest,
      // Absent rather than null, so the sparse unique index skips it.
      ...(refreshTokenDigest === null ? {} : { refreshTokenDigest }),
      expireAt: recordExpiry(record),
    };
    try {
      const created = await this.model.insertOne(doc);
      return toRecord(created.toObject<TokenDoc>());
    } catch (error) {
      if (isDuplicateKeyError(error) && duplicateKeyField(error) === undefined) {
        // The server did not say which index (FerretDB): look it up.
        const field = (await this.findByAccessDigest(record.accessTokenDigest))
          ? 'accessTokenDigest'
          : 'refreshTokenDigest';
        throw toStorageError(error, field);
      }
      throw toStorageError(error, 'accessTokenDigest');
    }
  }

  async findByAccessDigest(digest: string): Promise<TokenRecord | null> {
    if (!isQueryString(digest)) return null;
    return this.findOne({ accessTokenDigest: digest });
  }

  async findByRefreshDigest(digest: string): Promise<TokenRecord | null> {
    if (!isQueryString(digest)) return null;
    return this.findOne({ refreshTokenDigest: digest });
  }

  async findById(id: string): Promise<TokenRecord | null> {
    if (!isRecordId(id)) return null;
    return this.findOne({ _id: id });
  }

  /**
   * Marks the refresh token consumed if it is unconsumed, not revoked and not expired at `now`;
   * of N concurrent callers exactly one gets the record (SECURITY.md 6).
   *
   * On MongoDB the conditional `findOneAndUpdate` alone is atomic. FerretDB 1.24 evaluates its
   * filter and writes the document in separate steps, so several callers could pass it; therefore
   * the winner is decided first by inserting a claim whose unique `_id` is
   * `<token id>:<refreshGeneration>`: an insert into a unique index is atomic on every server.
   * @returns the record as it is after the update (`refreshConsumedAt` = `now`), or `null`.
   */
  async consumeRefresh(digest: string, now: Date): Promise<TokenRecord | null> {
    if (!isQueryString(digest)) return null;
    assertDate(now, 'now');
    const live: TokenFilter = {
      refreshTokenDigest: digest,
      refreshConsumedAt: null,
      revoked: false,
      // Trusted: a connection with `sanitizeFilter` would otherwise turn this into an equality.
      refreshExpiresAt: mongoose.trusted({ $gt: now }),
    };
    const candidate = await mongoCall(() =>
      this.model
        .findOne(live, { refreshGeneration: 1, refreshExpiresAt: 1 })
        .lean<Pick<TokenDoc, '_id' | 'refreshGeneration' | 'refreshExpiresAt'>>()
        .exec(),
    );
    if (!candidate) return null;
    const generation = candidate.refreshGeneration;
    const expireAt = candidate.refreshExpiresAt ?? now;
    if (!(await this.claims.claim(candidate._id.toHexString(), generation, now, expireAt))) {
      return null; // another caller won this generation
    }
    const doc = await mongoCall(() =>
      this.model
        .findOneAndUpdate(
          { ...live, _id: candidate._id, refreshGeneration: generation },
          { $set: { refreshConsumedAt: now } },
          { returnDocument: 'after' },
        )
        .lean<TokenDoc>()
        .exec(),
    );
    // `null` here means it was revoked or expired since the lookup: it stays unusable.
    return doc ? toRecord(doc) : null;
  }

  /**
   * Clears `refreshConsumedAt` (sets it back to `null`) and moves to the next claim generation,
   * in one write; unknown ids are ignored.
   */
  async restoreRefresh(id: string): Promise<void> {
    if (!isRecordId(id)) return;
    await mongoCall(() =>
      this.model
        .updateOne(
          { _id: id },
          { $set: { refreshConsumedAt: null }, $inc: { refreshGeneration: 1 } },
        )
        .exec(),
    );
  }

  async revokeById(id: string): Promise<Revocation> {
    if (!isRecordId(id)) return { records: [] };
    const before = await mongoCall(() =>
      this.model
        .findOneAndUpdate(
          { _id: id, revoked: false },
          { $set: { revoked: true } },
          // No projection: FerretDB 1.24 does not support one on findAndModify.
          { returnDocument: 'before' },
        )
        .lean<TokenDoc>()
        .exec(),
    );
    return { records: before ? [revoked(before)] : [] };
  }

  async revokeFamily(familyId: string): Promise<Revocation> {
    return isQueryString(familyId) ? this.revokeMany({ familyId }) : { records: [] };
  }

  async revokeByUser(userId: string): Promise<Revocation> {
    return isQueryString(userId) ? this.revokeMany({ userId }) : { records: [] };
  }

  async revokeByClient(clientId: string): Promise<Revocation> {
    return isQueryString(clientId) ? this.revokeMany({ clientId }) : { records: [] };
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
    const filter: TokenFilter = {
      ...(userId === undefined ? {} : { userId }),
      ...(clientId === undefined ? {} : { clientId }),
    };
    const [docs, total] = await mongoCall(() =>
      Promise.all([
        this.model
          .find(filter)
          .sort({ issuedAt: -1, _id: -1 })
          .skip((page - 1) * perPage)
          .limit(perPage)
          .lean<TokenDoc[]>()
          .exec(),
        this.model.countDocuments(filter).exec(),
      ]),
    );
    return { items: docs.map(toRecord), total, page, perPage };
  }

  private async findOne(filter: TokenFilter): Promise<TokenRecord | null> {
    const doc = await mongoCall(() => this.model.findOne(filter).lean<TokenDoc>().exec());
    return doc ? toRecord(doc) : null;
  }

  /**
   * Revokes every unrevoked record matching `filter` in one `updateMany`, tagging them with a
   * fresh revocation id, then reads back exactly the records this call changed: records revoked
   * before, or by a concurrent call, are not reported twice, and records inserted up to the update
   * are not missed. Should the read-back fail, the records stay revoked (fail closed) and the
   * caller gets the error.
   */
  private async revokeMany(filter: TokenFilter): Promise<Revocation> {
    const revocationId = randomBytes(12).toString('hex');
    const result = await mongoCall(() =>
      this.model
        .updateMany({ ...filter, revoked: false }, { $set: { revoked: true, revocationId } })
        .exec(),
    );
    if (result.modifiedCount === 0) return { records: [] };
    const changed = await mongoCall(() =>
      this.model
        .find({ ...filter, revocationId }, REVOCATION_PROJECTION)
        .lean<Array<Pick<TokenDoc, 'accessTokenDigest' | 'accessExpiresAt'>>>()
        .exec(),
    );
    return { records: changed.map(revoked) };
  }
}

function revoked(doc: Pick<TokenDoc, 'accessTokenDigest' | 'accessExpiresAt'>) {
  return { accessTokenDigest: doc.accessTokenDigest, accessExpiresAt: doc.accessExpiresAt };
}

function toRecord(doc: TokenDoc): TokenRecord {
  return {
    id: doc._id.toHexString(),
    accessTokenDigest: doc.accessTokenDigest,
    refreshTokenDigest: doc.refreshTokenDigest ?? null,
    userId: doc.userId ?? null,
    clientId: doc.clientId,
    scope: doc.scope,
    familyId: doc.familyId,
    issuedAt: doc.issuedAt,
    accessExpiresAt: doc.accessExpiresAt,
    refreshExpiresAt: doc.refreshExpiresAt ?? null,
    refreshConsumedAt: doc.refreshConsumedAt ?? null,
    revoked: doc.revoked,
  };
}
