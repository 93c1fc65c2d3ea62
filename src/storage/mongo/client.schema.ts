import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { CLIENTS_COLLECTION } from '../../sentinel.constants.js';
import type { ClientType } from '../client-store.js';

/** A registered client in `sentinel_clients`. The secret exists only as a SHA-256 digest (docs/security.md 20). */
@Schema({ collection: CLIENTS_COLLECTION, timestamps: true, versionKey: false })
export class SentinelClientDocument {
  @Prop({ type: String, required: true })
  clientId!: string;

  @Prop({ type: String, required: true })
  clientName!: string;

  @Prop({ type: String, required: true, enum: ['public', 'confidential'] })
  clientType!: ClientType;

  /**
   * No schema `enum`: the grant types are the module's registry (built-in and host grants), which
   * the store checks before every write (store-input.ts `assertGrantTypes`).
   */
  @Prop({ type: [String], default: [] })
  grantTypes!: string[];

  @Prop({ type: String, default: '' })
  scope!: string;

  /** Checked by the store before every write (store-input.ts `assertRedirectUris`). */
  @Prop({ type: [String], default: [] })
  redirectUris!: string[];

  /** Skips the consent page (docs/security.md 30); absent on clients stored before it existed. */
  @Prop({ type: Boolean, default: false })
  firstParty!: boolean;

  /**
   * SHA-256 of the secret for confidential clients, `null` for public ones. Not `select: false`:
   * FerretDB 1.24 rejects projections on findAndModify; the store strips it instead.
   */
  @Prop({ type: String, default: null })
  secretDigest!: string | null;

  createdAt!: Date;
  updatedAt!: Date;
}

/** Nest model name to register with `MongooseModule.forFeature` and inject with `@InjectModel`. */
export const SENTINEL_CLIENT_MODEL = SentinelClientDocument.name;

/**
 * The model the store takes: whatever `connection.model(SENTINEL_CLIENT_MODEL, SentinelClientSchema)`
 * or `@InjectModel()` gives. Only the raw document type matters to the store; the hydrated and
 * virtual types differ between those two and are left open.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SentinelClientModel = Model<SentinelClientDocument, any, any, any, any, any, any>;

export const SentinelClientSchema = SchemaFactory.createForClass(SentinelClientDocument);
SentinelClientSchema.index({ clientId: 1 }, { unique: true, name: 'client_id_unique' });
SentinelClientSchema.index({ createdAt: 1, _id: 1 }, { name: 'created_order' });
