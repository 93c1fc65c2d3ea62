import type { Model, QueryFilter, Types } from 'mongoose';
import { digest } from '../../crypto/digest.js';
import { generateClientId, generateToken } from '../../crypto/token-generator.js';
import type {
  ClientChanges,
  GrantCatalog,
  ClientQuery,
  ClientStore,
  ClientWithSecret,
  NewClient,
  SentinelClient,
} from '../client-store.js';
import {
  assertClientChanges,
  assertNewClient,
  assertPage,
  isQueryString,
  confidentialOnlyGrant,
  confidentialOnlyGrantError,
} from '../store-input.js';
import type { Page } from '../user-store.js';
import type { SentinelClientDocument, SentinelClientModel } from './client.schema.js';
import { SecretCheckedClients, type ClientWithSecretDigest } from '../timing-safe-checks.js';
import { mongoCall } from './mongo-errors.js';

type ClientDoc = SentinelClientDocument & { _id: Types.ObjectId };

/** Reads that do not check a secret leave its digest on the server. */
const WITHOUT_SECRET = { secretDigest: 0 } as const;

/**
 * {@link ClientStore} on the `sentinel_clients` collection. Secrets are generated here (256 bits,
 * docs/security.md 21), returned once, and stored only as SHA-256 digests (docs/security.md 20).
 */
export class MongoClientStore extends SecretCheckedClients implements ClientStore {
  private readonly model: Model<SentinelClientDocument>;

  /**
   * @param model the `sentinel_clients` model.
   * @param grants the grant types clients may list (the module's grant registry).
   */
  constructor(
    model: SentinelClientModel,
    private readonly grants: GrantCatalog,
  ) {
    super();
    this.model = model;
  }

  /** Creates the collection's indexes (unique clientId). Call once at start-up; idempotent. */
  async ensureIndexes(): Promise<void> {
    await mongoCall(() => this.model.createIndexes());
  }

  async findById(clientId: string): Promise<SentinelClient | null> {
    if (!isQueryString(clientId)) return null;
    const doc = await mongoCall(() =>
      this.model.findOne({ clientId }, WITHOUT_SECRET).lean<ClientDoc>().exec(),
    );
    return doc ? toClient(doc) : null;
  }

  protected async findSecretDigest(clientId: string): Promise<ClientWithSecretDigest | null> {
    const doc = await mongoCall(() => this.model.findOne({ clientId }).lean<ClientDoc>().exec());
    return doc ? { client: toClient(doc), secretDigest: doc.secretDigest } : null;
  }

  async create(client: NewClient): Promise<ClientWithSecret> {
    assertNewClient(client, this.grants);
    const clientSecret = client.clientType === 'confidential' ? generateToken() : undefined;
    const created = await mongoCall(
      () =>
        this.model.create({
          clientId: generateClientId(),
          clientName: client.clientName,
          clientType: client.clientType,
          grantTypes: [...new Set(client.grantTypes)],
          scope: client.scope,
          redirectUris: [...new Set(client.redirectUris ?? [])],
          firstParty: client.firstParty ?? false,
          secretDigest: clientSecret === undefined ? null : digest(clientSecret),
        }),
      'clientId',
    );
    return { client: toClient(created.toObject<ClientDoc>()), clientSecret };
  }

  /** Sorted by creation time, then id. */
  async list(query: ClientQuery): Promise<Page<SentinelClient>> {
    assertPage(query);
    const { page, perPage } = query;
    const [docs, total] = await mongoCall(() =>
      Promise.all([
        this.model
          .find({}, WITHOUT_SECRET)
          .sort({ createdAt: 1, _id: 1 })
          .skip((page - 1) * perPage)
          .limit(perPage)
          .lean<ClientDoc[]>()
          .exec(),
        this.model.countDocuments({}).exec(),
      ]),
    );
    return { items: docs.map(toClient), total, page, perPage };
  }

  /** @throws InvalidInputError `grantTypes` when a public client would get a confidential-only grant. */
  async update(clientId: string, changes: ClientChanges): Promise<SentinelClient | null> {
    if (!isQueryString(clientId)) return null;
    assertClientChanges(changes, this.grants);
    const set: ClientChanges = {};
    if (changes.clientName !== undefined) set.clientName = changes.clientName;
    if (changes.grantTypes !== undefined) set.grantTypes = [...new Set(changes.grantTypes)];
    if (changes.scope !== undefined) set.scope = changes.scope;
    if (changes.redirectUris !== undefined) set.redirectUris = [...new Set(changes.redirectUris)];
    if (changes.firstParty !== undefined) set.firstParty = changes.firstParty;
    if (Object.keys(set).length === 0) return this.findById(clientId);
    // A confidential-only grant (client_credentials) needs a confidential client; the condition
    // sits in the filter so the check and the write are one operation.
    const confidentialOnly = confidentialOnlyGrant(set.grantTypes, this.grants);
    const filter: QueryFilter<SentinelClientDocument> =
      confidentialOnly !== undefined ? { clientId, clientType: 'confidential' } : { clientId };
    const doc = await mongoCall(() =>
      this.model
        .findOneAndUpdate(filter, { $set: set }, { returnDocument: 'after' })
        .lean<ClientDoc>()
        .exec(),
    );
    if (doc) return toClient(doc);
    if (confidentialOnly !== undefined && (await this.findById(clientId))) {
      throw confidentialOnlyGrantError(confidentialOnly);
    }
    return null;
  }

  async rotateSecret(clientId: string): Promise<ClientWithSecret | null> {
    if (!isQueryString(clientId)) return null;
    const clientSecret = generateToken();
    const doc = await mongoCall(() =>
      this.model
        .findOneAndUpdate(
          { clientId, clientType: 'confidential' },
          { $set: { secretDigest: digest(clientSecret) } },
          { returnDocument: 'after' },
        )
        .lean<ClientDoc>()
        .exec(),
    );
    return doc ? { client: toClient(doc), clientSecret } : null;
  }

  async delete(clientId: string): Promise<boolean> {
    if (!isQueryString(clientId)) return false;
    const result = await mongoCall(() => this.model.deleteOne({ clientId }).exec());
    return result.deletedCount === 1;
  }
}

/** Copies the public fields only: the secret digest never leaves the store. */
function toClient(doc: ClientDoc): SentinelClient {
  return {
    clientId: doc.clientId,
    clientName: doc.clientName,
    clientType: doc.clientType,
    grantTypes: [...doc.grantTypes],
    scope: doc.scope,
    // Clients stored before redirect URIs existed have none.
    redirectUris: [...(doc.redirectUris ?? [])],
    firstParty: doc.firstParty ?? false,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
