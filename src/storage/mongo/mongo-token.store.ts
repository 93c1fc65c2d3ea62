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
import {
  createTtlIndex,
  isFamilyRevoked,
  markFamilyRevoked,
  RefreshClaims,
} from './refresh-claims.js';
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

const REVOCATION_PROJECTION = {
  accessTokenDigest: 1,
  accessExpiresAt: 1,
  revocationId: 1,
} as const;

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
    if (!doc) return null;
    // Consumed either way (exactly one winner); the refresh grant sees the revoked record and
    // sweeps the family before answering, so the pair it issues is dead.
    const revokedMeanwhile = await this.repairIfFamilyRevoked(doc._id, doc.familyId);
    return { ...toRecord(doc), revoked: doc.revoked || revokedMeanwhile };
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
    const doc = await mongoCall(() =>
      this.model
        .findOne({ _id: id }, { familyId: 1 })
        .lean<Pick<TokenDoc, '_id' | 'familyId'>>()
        .exec(),
    );
    if (doc) await this.repairIfFamilyRevoked(doc._id, doc.familyId);
  }

  /**
   * After a write that rewrote a token document (on FerretDB, the whole document): when its
   * family was revoked meanwhile, the write may have put `revoked: false` back over the
   * revocation, so the flag is set again. A revocation that marks the family after this check
   * updates the document only after this write, so between the two nothing is lost.
   * @returns whether the family is revoked.
   */
  private async repairIfFamilyRevoked(id: Types.ObjectId, familyId: string): Promise<boolean> {
    if (!(await isFamilyRevoked(this.claims.markers, familyId))) return false;
    await mongoCall(() => this.model.updateOne({ _id: id }, { $set: { revoked: true } }).exec());
    return true;
  }

  /**
   * One `findOneAndUpdate` that sets `revoked` whatever it was and returns the record as it was
   * before: newly revoked if it was not revoked yet, listed as unexpired if its access token
   * lives past `now`. (On FerretDB two concurrent calls may both report it as newly revoked.)
   */
  async revokeById(id: string, now = new Date()): Promise<Revocation> {
    assertDate(now, 'now');
    if (!isRecordId(id)) return nothingRevoked();
    const before = await mongoCall(() =>
      this.model
        .findOneAndUpdate(
          { _id: id },
          { $set: { revoked: true } },
          // No projection: FerretDB 1.24 does not support one on findAndModify.
          { returnDocument: 'before' },
        )
        .lean<TokenDoc>()
        .exec(),
    );
    const revocation = nothingRevoked();
    if (!before) return revocation;
    if (!before.revoked) revocation.records.push(revoked(before));
    if (before.accessExpiresAt.getTime() > now.getTime())
      revocation.unexpired.push(revoked(before));
    return revocation;
  }

  /**
   * Marks the family revoked (an insert, which no concurrent update can undo) before updating its
   * records, so a consumption racing this call either sees the mark and re-revokes its record, or
   * finished writing before the update began (see {@link repairIfFamilyRevoked}). Every unexpired
   * record of the family is listed for tombstoning, whatever its flag read back as.
   */
  async revokeFamily(familyId: string, now = new Date()): Promise<Revocation> {
    if (!isQueryString(familyId)) return nothingRevoked();
    assertDate(now, 'now');
    await markFamilyRevoked(this.claims.markers, familyId, now);
    return this.revokeMany({ familyId }, now, true);
  }

  async revokeByUser(userId: string, now = new Date()): Promise<Revocation> {
    return isQueryString(userId) ? this.revokeMany({ userId }, now) : nothingRevoked();
  }

  async revokeByClient(clientId: string, now = new Date()): Promise<Revocation> {
    return isQueryString(clientId) ? this.revokeMany({ clientId }, now) : nothingRevoked();
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
   * Revokes every unrevoked record matching `filter`, tagging them with a fresh revocation id,
   * then reads back the records this call changed and every revoked match whose access token
   * outlives `now` (one query).
   *
   * The update runs twice. A record stored before the first pass began is covered by it; one
   * stored while it ran (a concurrent rotation) may be missed by it, but is covered by the second
   * pass, which begins after the first pass revoked the rotated record — so a rotation storing
   * its pair even later sees that record revoked and sweeps the family itself
   * (`RefreshTokenGrant`). Should the read-back fail, the records stay revoked (fail closed) and
   * the caller gets the error.
   */
  private async revokeMany(
    filter: TokenFilter,
    now: Date,
    wholeFamily = false,
  ): Promise<Revocation> {
    assertDate(now, 'now');
    const revocationId = randomBytes(12).toString('hex');
    for (let pass = 0; pass < 2; pass++) {
      await mongoCall(() =>
        this.model
          .updateMany({ ...filter, revoked: false }, { $set: { revoked: true, revocationId } })
          .exec(),
      );
    }
    const matched = await mongoCall(() =>
      this.model
        .find(
          {
            ...filter,
            // A family is revoked as a whole, records stored concurrently included.
            ...(wholeFamily ? {} : { revoked: true }),
            // Trusted: a connection with `sanitizeFilter` would otherwise turn these into equalities.
            $or: [{ revocationId }, { accessExpiresAt: mongoose.trusted({ $gt: now }) }],
          },
          REVOCATION_PROJECTION,
        )
        .lean<Array<Pick<TokenDoc, 'accessTokenDigest' | 'accessExpiresAt' | 'revocationId'>>>()
        .exec(),
    );
    const revocation = nothingRevoked();
    for (const doc of matched) {
      if (doc.revocationId === revocationId) revocation.records.push(revoked(doc));
      if (doc.accessExpiresAt.getTime() > now.getTime()) revocation.unexpired.push(revoked(doc));
    }
    return revocation;
  }
}

function nothingRevoked(): Revocation {
  return { records: [], unexpired: [] };
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
