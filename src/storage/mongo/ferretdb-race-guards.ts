import mongoose, { type Model, type Types } from 'mongoose';
import { isDuplicateKeyError, mongoCall, toStorageError } from './mongo-errors.js';
import type { SentinelTokenDocument } from './token.schema.js';

/** Claims and family markers, see {@link FerretDbRaceGuards}. */
export const REFRESH_CLAIMS_COLLECTION = 'sentinel_refresh_claims';

/** Name of the TTL index created on `expireAt` where the server supports it. */
export const TTL_INDEX = 'expire_at_ttl';

/** A refresh-token claim; `expireAt` is the refresh token's expiry (TTL where supported). */
interface RefreshClaim {
  _id: string;
  claimedAt: Date;
  expireAt: Date;
}

/** Server error codes for "this index option is not supported here". */
const NOT_IMPLEMENTED_CODES = new Set([115, 238]); // CommandNotSupported, NotImplemented

/** Acknowledged by a journaled majority, like every token write (docs/security.md 19). */
const DURABLE = { w: 'majority', j: true } as const;

/**
 * Everything the Mongo token store does because FerretDB 1.24 is not MongoDB (ADR 0003, 0007):
 * its findAndModify evaluates the filter and writes the document in separate steps, and every
 * update rewrites the whole document. Both are countered with inserts into the unique `_id` of
 * `sentinel_refresh_claims`, which are atomic on every MongoDB-compatible server:
 *
 * - a **claim** `<token id>:<refreshGeneration>` decides the one consumer of a refresh token;
 * - a **family marker** `family-revoked:<familyId>` records a family revocation that a racing
 *   consumption cannot write back over; consumers check it after their write and **repair**
 *   the flag ({@link repairIfFamilyRevoked}).
 *
 * On a real MongoDB these cost one insert each and change nothing.
 */
export class FerretDbRaceGuards {
  private readonly collection: mongoose.Collection<RefreshClaim>;

  /** On the token model's own connection, so the module registers no further model. */
  constructor(private readonly tokens: Model<SentinelTokenDocument>) {
    this.collection = tokens.db.collection<RefreshClaim>(REFRESH_CLAIMS_COLLECTION);
  }

  /** @returns whether the TTL index exists (see {@link createTtlIndex}). */
  async ensureIndexes(): Promise<boolean> {
    return createTtlIndex(this.collection);
  }

  /**
   * Claims generation `generation` of token `tokenId`.
   * @returns `true` for the one caller whose insert created the claim, `false` for every other.
   */
  async claim(tokenId: string, generation: number, now: Date, expireAt: Date): Promise<boolean> {
    try {
      await this.collection.insertOne(
        { _id: `${tokenId}:${generation}`, claimedAt: now, expireAt },
        { writeConcern: DURABLE },
      );
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw toStorageError(error, 'refreshTokenDigest');
    }
  }

  /** Inserts the family's revocation marker (idempotent); call before updating its records. */
  async markFamilyRevoked(familyId: string, now: Date): Promise<void> {
    try {
      await this.collection.insertOne(
        {
          _id: familyMarkerId(familyId),
          claimedAt: now,
          expireAt: new Date(now.getTime() + FAMILY_MARKER_LIFETIME_MS),
        },
        { writeConcern: DURABLE },
      );
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw toStorageError(error, 'familyId');
    }
  }

  /**
   * After a write that rewrote a token document: when its family was revoked meanwhile, the
   * write may have put `revoked: false` back over the revocation, so the flag is set again. A
   * revocation that marks the family after this check updates the document only after this
   * write, so between the two nothing is lost.
   * @returns whether the family is revoked.
   */
  async repairIfFamilyRevoked(id: Types.ObjectId, familyId: string): Promise<boolean> {
    let marked: number;
    try {
      marked = await this.collection.countDocuments(
        { _id: familyMarkerId(familyId) },
        { limit: 1 },
      );
    } catch (error) {
      throw toStorageError(error, 'familyId');
    }
    if (marked === 0) return false;
    await mongoCall(() => this.tokens.updateOne({ _id: id }, { $set: { revoked: true } }).exec());
    return true;
  }
}

/** How long a family-revocation marker is kept: longer than any refresh token can live. */
const FAMILY_MARKER_LIFETIME_MS = 400 * 24 * 3600 * 1000;

/** `_id` of a family-revocation marker. */
export function familyMarkerId(familyId: string): string {
  return `family-revoked:${familyId}`;
}

/**
 * Creates the TTL index on `expireAt`; `false` when the server does not implement TTL indexes
 * (FerretDB 1.24 answers NotImplemented), in which case expired documents stay.
 */
export async function createTtlIndex(collection: {
  createIndex: mongoose.Collection['createIndex'];
}): Promise<boolean> {
  try {
    await collection.createIndex({ expireAt: 1 }, { name: TTL_INDEX, expireAfterSeconds: 0 });
    return true;
  } catch (error) {
    if (
      error instanceof mongoose.mongo.MongoServerError &&
      typeof error.code === 'number' &&
      NOT_IMPLEMENTED_CODES.has(error.code)
    ) {
      return false;
    }
    throw toStorageError(error, TTL_INDEX);
  }
}
