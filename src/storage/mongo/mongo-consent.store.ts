import { randomBytes } from 'node:crypto';
import type mongoose from 'mongoose';
import type { Connection } from 'mongoose';
import { assertConsentGrant, canonicalConsentScope } from '../consent-input.js';
import type { ConsentQuery, ConsentStore, SentinelConsent } from '../consent-store.js';
import { assertPage, isQueryString } from '../store-input.js';
import type { Page } from '../user-store.js';
import { isDuplicateKeyError, mongoCall, toStorageError } from './mongo-errors.js';

/** One document per (user, client): the consent itself. */
export const CONSENTS_COLLECTION = 'sentinel_consents';
/** One document per granted scope of a consent. */
export const CONSENT_SCOPES_COLLECTION = 'sentinel_consent_scopes';

/** Acknowledged by a journaled majority, like every token write (docs/security.md 19). */
const DURABLE = { w: 'majority', j: true } as const;

/** A consent; `_id` is random and new each time a consent is created after a withdrawal. */
interface ConsentDocument {
  _id: string;
  userId: string;
  clientId: string;
  createdAt: Date;
  updatedAt: Date;
}

/** One scope of consent `consentId`; `_id` is `<consentId> <scope>`, so granting it twice is one. */
interface ConsentScopeDocument {
  _id: string;
  consentId: string;
  scope: string;
}

/**
 * {@link ConsentStore} on MongoDB (docs/security.md 30, ADR 0019): `sentinel_consents` holds one
 * document per (userId, clientId) under a unique index, `sentinel_consent_scopes` one per granted
 * scope. Every scope of a grant is an insert into a unique `_id` — atomic on every
 * MongoDB-compatible server — so racing grants never lose a scope; an `$addToSet` on one document
 * did lose them on FerretDB 1.24, which rewrites the whole document on every update (ADR 0003).
 * A withdrawal deletes the consent document (one atomic delete); its scope documents are deleted
 * after it, and a consent created later has a new `_id`, so none can be inherited. Filters are
 * built only from values checked to be strings (docs/security.md 2): the raw collections do not
 * apply Mongoose's `sanitizeFilter`.
 */
export class MongoConsentStore implements ConsentStore {
  private readonly consents: mongoose.Collection<ConsentDocument>;
  private readonly scopes: mongoose.Collection<ConsentScopeDocument>;

  constructor(connection: Connection) {
    this.consents = connection.collection<ConsentDocument>(CONSENTS_COLLECTION);
    this.scopes = connection.collection<ConsentScopeDocument>(CONSENT_SCOPES_COLLECTION);
  }

  /**
   * Creates the unique (userId, clientId) index and the lookup indexes; idempotent. One
   * `createIndex` each: FerretDB 1.24 drops the connection when one `createIndexes` command
   * names several indexes that exist already (a second instance starting on the database).
   */
  async ensureIndexes(): Promise<void> {
    await mongoCall(async () => {
      await this.consents.createIndex(
        { userId: 1, clientId: 1 },
        { name: 'user_client_unique', unique: true },
      );
      await this.consents.createIndex({ userId: 1, updatedAt: -1 }, { name: 'user_updated' });
      await this.consents.createIndex({ clientId: 1 }, { name: 'client' });
      await this.scopes.createIndex({ consentId: 1 }, { name: 'consent' });
    });
  }

  async find(userId: string, clientId: string): Promise<SentinelConsent | null> {
    if (!isQueryString(userId) || !isQueryString(clientId)) return null;
    const doc = await mongoCall(() => this.consents.findOne({ userId, clientId }));
    return doc ? (await this.withScopes([doc]))[0] : null;
  }

  async grant(
    userId: string,
    clientId: string,
    scopes: readonly string[],
    now = new Date(),
  ): Promise<SentinelConsent> {
    assertConsentGrant(userId, clientId, scopes, now);
    const consent = await this.findOrCreate(userId, clientId, now);
    await Promise.all([...new Set(scopes)].map((scope) => this.addScope(consent._id, scope)));
    await mongoCall(() =>
      this.consents.updateOne(
        { _id: consent._id },
        { $max: { updatedAt: now } },
        { writeConcern: DURABLE },
      ),
    );
    const stored = await mongoCall(() => this.consents.findOne({ _id: consent._id }));
    // Withdrawn meanwhile: what this call granted is gone with it.
    return (await this.withScopes([stored ?? { ...consent, updatedAt: now }]))[0];
  }

  async listByUser(userId: string, query: ConsentQuery): Promise<Page<SentinelConsent>> {
    assertPage(query);
    const { page, perPage } = query;
    if (!isQueryString(userId)) return { items: [], total: 0, page, perPage };
    const [docs, total] = await mongoCall(() =>
      Promise.all([
        this.consents
          .find({ userId })
          .sort({ updatedAt: -1, clientId: 1 })
          .skip((page - 1) * perPage)
          .limit(perPage)
          .toArray(),
        this.consents.countDocuments({ userId }),
      ]),
    );
    return { items: await this.withScopes(docs), total, page, perPage };
  }

  async revoke(userId: string, clientId: string): Promise<boolean> {
    if (!isQueryString(userId) || !isQueryString(clientId)) return false;
    return (await this.deleteWhere({ userId, clientId })) === 1;
  }

  async revokeAllOfUser(userId: string): Promise<number> {
    return isQueryString(userId) ? this.deleteWhere({ userId }) : 0;
  }

  async revokeAllOfClient(clientId: string): Promise<number> {
    return isQueryString(clientId) ? this.deleteWhere({ clientId }) : 0;
  }

  /**
   * The consent document, inserted when there is none. Two first grants racing both miss it and
   * both insert: the unique index refuses one, which then finds the other's (retried once more
   * should a withdrawal delete it in between).
   */
  private async findOrCreate(
    userId: string,
    clientId: string,
    now: Date,
  ): Promise<ConsentDocument> {
    for (let attempt = 0; ; attempt += 1) {
      const found = await mongoCall(() => this.consents.findOne({ userId, clientId }));
      if (found) return found;
      const created: ConsentDocument = {
        _id: randomBytes(12).toString('hex'),
        userId,
        clientId,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await this.consents.insertOne(created, { writeConcern: DURABLE });
        return created;
      } catch (error) {
        if (!isDuplicateKeyError(error) || attempt >= 2) throw toStorageError(error, 'clientId');
      }
    }
  }

  /** Idempotent: a scope granted before (or by a racing grant) is already there. */
  private async addScope(consentId: string, scope: string): Promise<void> {
    try {
      await this.scopes.insertOne(
        { _id: `${consentId} ${scope}`, consentId, scope },
        { writeConcern: DURABLE },
      );
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw toStorageError(error, 'scope');
    }
  }

  /** The consents of `docs`, in their order, each with its scopes (one query). */
  private async withScopes(docs: ConsentDocument[]): Promise<SentinelConsent[]> {
    if (docs.length === 0) return [];
    const ids = docs.map((doc) => doc._id);
    const scopeDocs = await mongoCall(() =>
      this.scopes.find({ consentId: { $in: ids } }).toArray(),
    );
    return docs.map((doc) => ({
      userId: doc.userId,
      clientId: doc.clientId,
      scope: canonicalConsentScope(
        scopeDocs.filter((s) => s.consentId === doc._id).map((s) => s.scope),
      ),
      createdAt: new Date(doc.createdAt),
      updatedAt: new Date(doc.updatedAt),
    }));
  }

  /**
   * Deletes the matching consents, then their scopes. A scope document left by a failure in
   * between, or by a grant racing the withdrawal, belongs to a consent that no longer exists and
   * is never read again.
   */
  private async deleteWhere(filter: { userId?: string; clientId?: string }): Promise<number> {
    const matching = await mongoCall(() =>
      this.consents.find(filter, { projection: { _id: 1 } }).toArray(),
    );
    if (matching.length === 0) return 0;
    const ids = matching.map((doc) => doc._id);
    const deleted = await mongoCall(() =>
      this.consents.deleteMany({ ...filter, _id: { $in: ids } }, { writeConcern: DURABLE }),
    );
    await mongoCall(() =>
      this.scopes.deleteMany({ consentId: { $in: ids } }, { writeConcern: DURABLE }),
    );
    return deleted.deletedCount;
  }
}
