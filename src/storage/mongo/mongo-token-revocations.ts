import { randomBytes } from 'node:crypto';
import mongoose, { type Model, type Types } from 'mongoose';
import { assertDate } from '../store-input.js';
import type { Revocation, TokenRecord } from '../token-store.js';
import { mongoCall } from './mongo-errors.js';
import type { SentinelTokenDocument } from './token.schema.js';

/** Revocations and record mapping of the Mongo token store (`MongoTokenStore`). */
export type TokenDoc = SentinelTokenDocument & { _id: Types.ObjectId };
export type TokenFilter = mongoose.QueryFilter<SentinelTokenDocument>;

const REVOCATION_PROJECTION = {
  accessTokenDigest: 1,
  accessExpiresAt: 1,
  revocationId: 1,
} as const;

/**
 * One `findOneAndUpdate` that sets `revoked` whatever it was and returns the record as it was
 * before: newly revoked if it was not revoked yet, listed as unexpired if its access token
 * lives past `now`. (On FerretDB two concurrent calls may both report it as newly revoked.)
 */
export async function revokeOne(
  model: Model<SentinelTokenDocument>,
  id: string,
  now: Date,
): Promise<Revocation> {
  const before = await mongoCall(() =>
    model
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
  if (before.accessExpiresAt.getTime() > now.getTime()) revocation.unexpired.push(revoked(before));
  return revocation;
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
export async function revokeMatching(
  model: Model<SentinelTokenDocument>,
  filter: TokenFilter,
  now: Date,
  wholeFamily = false,
): Promise<Revocation> {
  assertDate(now, 'now');
  const revocationId = randomBytes(12).toString('hex');
  for (let pass = 0; pass < 2; pass++) {
    await mongoCall(() =>
      model
        .updateMany({ ...filter, revoked: false }, { $set: { revoked: true, revocationId } })
        .exec(),
    );
  }
  const matched = await mongoCall(() =>
    model
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

export function nothingRevoked(): Revocation {
  return { records: [], unexpired: [] };
}

function revoked(doc: Pick<TokenDoc, 'accessTokenDigest' | 'accessExpiresAt'>) {
  return { accessTokenDigest: doc.accessTokenDigest, accessExpiresAt: doc.accessExpiresAt };
}

export function toRecord(doc: TokenDoc): TokenRecord {
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
