import mongoose, { type Model } from 'mongoose';
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
import { createTtlIndex, FerretDbRaceGuards } from './ferretdb-race-guards.js';
import {
  nothingRevoked,
  revokeMatching,
  revokeOne,
  toRecord,
  type TokenDoc,
  type TokenFilter,
} from './mongo-token-revocations.js';
import type { SentinelTokenDocument, SentinelTokenModel } from './token.schema.js';

/** What {@link MongoTokenStore.ensureIndexes} could create. */
export interface TokenIndexReport {
  /**
   * Whether the TTL index on `expireAt` exists, so the server deletes expired records itself.
   * `false` on servers without TTL indexes (FerretDB 1.24): records then stay until deleted.
   */
  ttl: boolean;
}

/**
 * {@link TokenStore} on the `sentinel_tokens` collection (plus `sentinel_refresh_claims`, see
 * {@link consumeRefresh}). Holds SHA-256 digests only (docs/security.md 20); every write is
 * acknowledged by a journaled majority before it resolves (docs/security.md 19).
 */
export class MongoTokenStore implements TokenStore {
  private readonly model: Model<SentinelTokenDocument>;
  private readonly guards: FerretDbRaceGuards;

  constructor(model: SentinelTokenModel) {
    this.model = model;
    this.guards = new FerretDbRaceGuards(model);
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
    const claims = await this.guards.ensureIndexes();
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
   * of N concurrent callers exactly one gets the record (docs/security.md 6).
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
    if (!(await this.guards.claim(candidate._id.toHexString(), generation, now, expireAt))) {
      return null; // another caller won this generation
    }
    const doc = await mongoCall(() =>
      this.model
        .findOneAndUpdate(
          // The claim decided the winner: it marks the record whatever happened since, so a
          // revocation racing it cannot turn the winner into a loser (ADR 0003).
          { _id: candidate._id, refreshGeneration: generation },
          { $set: { refreshConsumedAt: now } },
          { returnDocument: 'after' },
        )
        .lean<TokenDoc>()
        .exec(),
    );
    if (!doc) return null; // restored meanwhile (a new generation): this claim is void
    // Consumed either way (exactly one winner); the refresh grant sees the revoked record and
    // sweeps the family before answering, so the pair it issues is dead.
    const revokedMeanwhile = await this.guards.repairIfFamilyRevoked(doc._id, doc.familyId);
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
    if (doc) await this.guards.repairIfFamilyRevoked(doc._id, doc.familyId);
  }

  /** Idempotent; see {@link revokeOne}. */
  async revokeById(id: string, now = new Date()): Promise<Revocation> {
    assertDate(now, 'now');
    return isRecordId(id) ? revokeOne(this.model, id, now) : nothingRevoked();
  }

  /**
   * Marks the family revoked (an insert, which no concurrent update can undo) before updating its
   * records, so a consumption racing this call either sees the mark and re-revokes its record, or
   * finished writing before the update began (see `FerretDbRaceGuards.repairIfFamilyRevoked`). Every unexpired
   * record of the family is listed for tombstoning, whatever its flag read back as.
   */
  async revokeFamily(familyId: string, now = new Date()): Promise<Revocation> {
    if (!isQueryString(familyId)) return nothingRevoked();
    assertDate(now, 'now');
    await this.guards.markFamilyRevoked(familyId, now);
    return revokeMatching(this.model, { familyId }, now, true);
  }

  async revokeByUser(userId: string, now = new Date()): Promise<Revocation> {
    return isQueryString(userId) ? revokeMatching(this.model, { userId }, now) : nothingRevoked();
  }

  async revokeByClient(clientId: string, now = new Date()): Promise<Revocation> {
    return isQueryString(clientId)
      ? revokeMatching(this.model, { clientId }, now)
      : nothingRevoked();
  }

  async revokeByUserAndClient(
    userId: string,
    clientId: string,
    now = new Date(),
  ): Promise<Revocation> {
    return isQueryString(userId) && isQueryString(clientId)
      ? revokeMatching(this.model, { userId, clientId }, now)
      : nothingRevoked();
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
}
