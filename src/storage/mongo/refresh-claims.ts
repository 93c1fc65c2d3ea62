import mongoose from 'mongoose';
import { isDuplicateKeyError, toStorageError } from './mongo-errors.js';

/**
 * One document per refresh-token consumption, `_id` = `<token id>:<refreshGeneration>`. Its
 * unique `_id` decides which of several concurrent consumers wins on servers whose
 * findAndModify is not atomic (FerretDB 1.24); see `MongoTokenStore.consumeRefresh`.
 */
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

/** Acknowledged by a journaled majority, like every token write (SECURITY.md 19). */
const DURABLE = { w: 'majority', j: true } as const;

/** The `sentinel_refresh_claims` collection: insert-once markers, atomic on every server. */
export class RefreshClaims {
  private readonly collection: mongoose.Collection<RefreshClaim>;

  /** On the token model's own connection, so the module registers no further model. */
  constructor(connection: mongoose.Connection) {
    this.collection = connection.collection<RefreshClaim>(REFRESH_CLAIMS_COLLECTION);
  }

  /** The underlying collection (family-revocation markers live there too). */
  get markers(): mongoose.Collection {
    return this.collection as unknown as mongoose.Collection;
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
}

/** How long a family-revocation marker is kept: longer than any refresh token can live. */
const FAMILY_MARKER_LIFETIME_MS = 400 * 24 * 3600 * 1000;

/**
 * Family-revocation markers share the collection: `_id` = `family-revoked:<familyId>`. On
 * FerretDB an update rewrites the whole document, so a consumption racing a revocation could
 * write `revoked: false` back over it; an inserted marker cannot be lost that way. Revokers
 * insert it before they update, consumers check it after they write (`MongoTokenStore`).
 */
export function familyMarkerId(familyId: string): string {
  return `family-revoked:${familyId}`;
}

/** Inserts the family's revocation marker (idempotent). */
export async function markFamilyRevoked(
  collection: mongoose.Collection,
  familyId: string,
  now: Date,
): Promise<void> {
  try {
    await collection.insertOne(
      {
        _id: familyMarkerId(familyId) as never,
        claimedAt: now,
        expireAt: new Date(now.getTime() + FAMILY_MARKER_LIFETIME_MS),
      },
      { writeConcern: DURABLE },
    );
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw toStorageError(error, 'familyId');
  }
}

/** Whether the family has been revoked (its marker exists). */
export async function isFamilyRevoked(
  collection: mongoose.Collection,
  familyId: string,
): Promise<boolean> {
  try {
    return (
      (await collection.countDocuments({ _id: familyMarkerId(familyId) as never }, { limit: 1 })) >
      0
    );
  } catch (error) {
    throw toStorageError(error, 'familyId');
  }
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
