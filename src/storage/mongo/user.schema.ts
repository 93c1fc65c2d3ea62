import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { USERS_COLLECTION } from '../../sentinel.constants.js';

/** A resource owner in `sentinel_users`. The password exists only as a bcrypt hash (docs/security.md 16, 20). */
@Schema({ collection: USERS_COLLECTION, timestamps: true, versionKey: false })
export class SentinelUserDocument {
  @Prop({ type: String, required: true })
  username!: string;

  /** bcrypt hash. Not `select: false`: FerretDB 1.24 rejects projections on findAndModify. */
  @Prop({ type: String, required: true })
  passwordHash!: string;

  @Prop({ type: String, default: '' })
  scope!: string;

  @Prop({ type: Boolean, default: false })
  disabled!: boolean;

  createdAt!: Date;
  updatedAt!: Date;
}

/** Nest model name to register with `MongooseModule.forFeature` and inject with `@InjectModel`. */
export const SENTINEL_USER_MODEL = SentinelUserDocument.name;

/**
 * The model the store takes: whatever `connection.model(SENTINEL_USER_MODEL, SentinelUserSchema)`
 * or `@InjectModel()` gives. Only the raw document type matters to the store; the hydrated and
 * virtual types differ between those two and are left open.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SentinelUserModel = Model<SentinelUserDocument, any, any, any, any, any, any>;

export const SentinelUserSchema = SchemaFactory.createForClass(SentinelUserDocument);
SentinelUserSchema.index({ username: 1 }, { unique: true, name: 'username_unique' });
SentinelUserSchema.index({ createdAt: 1, _id: 1 }, { name: 'created_order' });
