import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { TOKENS_COLLECTION } from '../../sentinel.constants.js';

/**
 * An issued access token (and its refresh token) in `sentinel_tokens`: digests only, never raw
 * tokens (docs/security.md 20). `refreshTokenDigest` is absent, not `null`, when there is no refresh
 * token, so the sparse unique index ignores those documents. Every write waits for a journaled
 * majority acknowledgement, so a stored token survives a crash or failover (docs/security.md 19).
 */
@Schema({
  collection: TOKENS_COLLECTION,
  timestamps: true,
  versionKey: false,
  writeConcern: { w: 'majority', j: true },
})
export class SentinelTokenDocument {
  @Prop({ type: String, required: true })
  accessTokenDigest!: string;

  @Prop({ type: String })
  refreshTokenDigest?: string;

  @Prop({ type: String, default: null })
  userId!: string | null;

  @Prop({ type: String, required: true })
  clientId!: string;

  @Prop({ type: String, default: '' })
  scope!: string;

  @Prop({ type: String, required: true })
  familyId!: string;

  @Prop({ type: Date, required: true })
  issuedAt!: Date;

  @Prop({ type: Date, required: true })
  accessExpiresAt!: Date;

  @Prop({ type: Date, default: null })
  refreshExpiresAt!: Date | null;

  @Prop({ type: Date, default: null })
  refreshConsumedAt!: Date | null;

  /** Bumped by each restore, so a restored refresh token can be claimed afresh (ferretdb-race-guards.ts). */
  @Prop({ type: Number, default: 0 })
  refreshGeneration!: number;

  @Prop({ type: Boolean, default: false })
  revoked!: boolean;

  /** Marks the records one revocation call changed, so it can report exactly those. */
  @Prop({ type: String })
  revocationId?: string;

  /**
   * When the record is useless: the later of the access and refresh expiries. A TTL index on it
   * deletes expired records where the server supports TTL indexes (see `MongoTokenStore`).
   */
  @Prop({ type: Date, required: true })
  expireAt!: Date;

  createdAt!: Date;
  updatedAt!: Date;
}

/** Nest model name to register with `MongooseModule.forFeature` and inject with `@InjectModel`. */
export const SENTINEL_TOKEN_MODEL = SentinelTokenDocument.name;

/**
 * The model the store takes: whatever `connection.model(SENTINEL_TOKEN_MODEL, SentinelTokenSchema)`
 * or `@InjectModel()` gives. Only the raw document type matters to the store; the hydrated and
 * virtual types differ between those two and are left open.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SentinelTokenModel = Model<SentinelTokenDocument, any, any, any, any, any, any>;

export const SentinelTokenSchema = SchemaFactory.createForClass(SentinelTokenDocument);
SentinelTokenSchema.index({ accessTokenDigest: 1 }, { unique: true, name: 'access_digest_unique' });
// Sparse rather than partial: FerretDB 1.24 does not implement partialFilterExpression.
SentinelTokenSchema.index(
  { refreshTokenDigest: 1 },
  { unique: true, sparse: true, name: 'refresh_digest_unique' },
);
SentinelTokenSchema.index({ familyId: 1 }, { name: 'family' });
SentinelTokenSchema.index({ userId: 1, issuedAt: -1 }, { name: 'user_issued' });
SentinelTokenSchema.index({ clientId: 1, issuedAt: -1 }, { name: 'client_issued' });
SentinelTokenSchema.index({ issuedAt: -1, _id: -1 }, { name: 'issued_order' });
