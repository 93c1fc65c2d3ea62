import type mongoose from 'mongoose';
import type { Connection } from 'mongoose';
import type {
  AuthorizationCodeRecord,
  AuthorizationCodeStore,
  CodeRedemption,
} from '../authorization-code-store.js';
import { isQueryString } from '../store-input.js';
import { createTtlIndex } from './ferretdb-race-guards.js';
import { isDuplicateKeyError, mongoCall, toStorageError } from './mongo-errors.js';

/** Collections of the codes and of their redemptions. */
export const CODES_COLLECTION = 'sentinel_authorization_codes';
export const CODE_REDEMPTIONS_COLLECTION = 'sentinel_authorization_code_redemptions';

/** Acknowledged by a journaled majority, like every token write (docs/security.md 19). */
const DURABLE = { w: 'majority', j: true } as const;

/** A stored code: the record, keyed by its digest; `expireAt` drives the TTL index. */
interface CodeDocument extends Omit<AuthorizationCodeRecord, 'codeDigest' | 'expiresAt'> {
  _id: string;
  expireAt: Date;
}

/** The one redemption of a code: its `_id` is the code's digest, so a second insert fails. */
interface RedemptionDocument {
  _id: string;
  redeemedAt: Date;
  expireAt: Date;
}

/**
 * {@link AuthorizationCodeStore} on MongoDB. A redemption is an insert into the unique `_id` of
 * `sentinel_authorization_code_redemptions`: atomic on every MongoDB-compatible server, FerretDB
 * 1.24 included (whose findAndModify is not, ADR 0003), so exactly one of N concurrent
 * redemptions wins and every other one sees reuse. Codes and redemptions expire through a TTL
 * index where the server has one; an expired code is refused either way.
 */
export class MongoAuthorizationCodeStore implements AuthorizationCodeStore {
  private readonly codes: mongoose.Collection<CodeDocument>;
  private readonly redemptions: mongoose.Collection<RedemptionDocument>;

  constructor(connection: Connection) {
    this.codes = connection.collection<CodeDocument>(CODES_COLLECTION);
    this.redemptions = connection.collection<RedemptionDocument>(CODE_REDEMPTIONS_COLLECTION);
  }

  /** @returns whether TTL indexes exist (FerretDB 1.24 has none). */
  async ensureIndexes(): Promise<boolean> {
    const [codes, redemptions] = await Promise.all([
      createTtlIndex(this.codes),
      createTtlIndex(this.redemptions),
    ]);
    return codes && redemptions;
  }

  async insert(record: AuthorizationCodeRecord): Promise<void> {
    const { codeDigest, expiresAt, ...bound } = record;
    try {
      await this.codes.insertOne(
        { _id: codeDigest, ...bound, expireAt: expiresAt },
        { writeConcern: DURABLE },
      );
    } catch (error) {
      throw toStorageError(error, 'codeDigest');
    }
  }

  async redeem(codeDigest: string, now: Date): Promise<CodeRedemption> {
    if (!isQueryString(codeDigest)) return { outcome: 'unknown' };
    const doc = await mongoCall(() => this.codes.findOne({ _id: codeDigest }));
    if (doc === null) return { outcome: 'unknown' };
    const record = toRecord(doc);
    if (record.expiresAt.getTime() <= now.getTime()) {
      // Expired: nothing to issue; still reuse if it was redeemed in time (its tokens exist).
      const redeemed = await mongoCall(() =>
        this.redemptions.countDocuments({ _id: codeDigest }, { limit: 1 }),
      );
      return redeemed > 0 ? this.reused(record, now) : { outcome: 'unknown' };
    }
    try {
      await this.redemptions.insertOne(
        { _id: codeDigest, redeemedAt: now, expireAt: record.expiresAt },
        { writeConcern: DURABLE },
      );
    } catch (error) {
      if (isDuplicateKeyError(error)) return this.reused(record, now);
      throw toStorageError(error, 'codeDigest');
    }
    return { outcome: 'redeemed', record };
  }

  async wasReused(codeDigest: string): Promise<boolean> {
    const found = await mongoCall(() =>
      this.redemptions.countDocuments({ _id: reuseMarkerId(codeDigest) }, { limit: 1 }),
    );
    return found > 0;
  }

  /** Records the reuse (idempotent) before reporting it. */
  private async reused(record: AuthorizationCodeRecord, now: Date): Promise<CodeRedemption> {
    try {
      await this.redemptions.insertOne(
        { _id: reuseMarkerId(record.codeDigest), redeemedAt: now, expireAt: record.expiresAt },
        { writeConcern: DURABLE },
      );
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw toStorageError(error, 'codeDigest');
    }
    return { outcome: 'reused', record };
  }
}

/** `_id` of the marker that a redemption of the code was refused as reuse. */
function reuseMarkerId(codeDigest: string): string {
  return `reused:${codeDigest}`;
}

function toRecord(doc: CodeDocument): AuthorizationCodeRecord {
  const { _id, expireAt, ...bound } = doc;
  return {
    ...bound,
    codeDigest: _id,
    issuedAt: new Date(bound.issuedAt),
    expiresAt: new Date(expireAt),
  };
}
