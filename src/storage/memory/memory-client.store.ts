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
import { ConflictError } from '../storage.errors.js';
import { SecretCheckedClients, type ClientWithSecretDigest } from '../timing-safe-checks.js';
import {
  assertClientChanges,
  assertNewClient,
  assertPage,
  isQueryString,
  newRecordId,
  confidentialOnlyGrant,
  confidentialOnlyGrantError,
} from '../store-input.js';
import type { Page } from '../user-store.js';

interface StoredClient extends SentinelClient {
  /** Orders clients created in the same millisecond, like the Mongo `_id`. */
  id: string;
  secretDigest: string | null;
}

/**
 * {@link ClientStore} held in process memory: the zero-setup development default. Behaves
 * exactly like `MongoClientStore` (secret digests only, shown once) and hands out copies.
 */
export class MemoryClientStore extends SecretCheckedClients implements ClientStore {
  private readonly clients = new Map<string, StoredClient>();

  /** @param grants the grant types clients may list (the module's grant registry). */
  constructor(private readonly grants: GrantCatalog) {
    super();
  }

  async findById(clientId: string): Promise<SentinelClient | null> {
    const stored = isQueryString(clientId) ? this.clients.get(clientId) : undefined;
    return stored ? toClient(stored) : null;
  }

  protected async findSecretDigest(clientId: string): Promise<ClientWithSecretDigest | null> {
    const stored = this.clients.get(clientId);
    return stored ? { client: toClient(stored), secretDigest: stored.secretDigest } : null;
  }

  async create(client: NewClient): Promise<ClientWithSecret> {
    assertNewClient(client, this.grants);
    const clientId = generateClientId();
    if (this.clients.has(clientId)) throw new ConflictError('clientId already exists', 'clientId');
    const clientSecret = client.clientType === 'confidential' ? generateToken() : undefined;
    const now = new Date();
    const stored: StoredClient = {
      id: newRecordId(),
      clientId,
      clientName: client.clientName,
      clientType: client.clientType,
      grantTypes: [...new Set(client.grantTypes)],
      scope: client.scope,
      redirectUris: [...new Set(client.redirectUris ?? [])],
      firstParty: client.firstParty ?? false,
      secretDigest: clientSecret === undefined ? null : digest(clientSecret),
      createdAt: now,
      updatedAt: now,
    };
    this.clients.set(clientId, stored);
    return { client: toClient(stored), clientSecret };
  }

  /** Sorted by creation time, then id. */
  async list(query: ClientQuery): Promise<Page<SentinelClient>> {
    assertPage(query);
    const { page, perPage } = query;
    const all = [...this.clients.values()].sort(
      (a, b) =>
        a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    const items = all.slice((page - 1) * perPage, page * perPage).map(toClient);
    return { items, total: all.length, page, perPage };
  }

  /** @throws InvalidInputError `grantTypes` when a public client would get a confidential-only grant. */
  async update(clientId: string, changes: ClientChanges): Promise<SentinelClient | null> {
    if (!isQueryString(clientId)) return null;
    assertClientChanges(changes, this.grants);
    const stored = this.clients.get(clientId);
    if (!stored) return null;
    const { clientName, grantTypes, scope, redirectUris, firstParty } = changes;
    if (
      clientName === undefined &&
      grantTypes === undefined &&
      scope === undefined &&
      redirectUris === undefined &&
      firstParty === undefined
    ) {
      return toClient(stored);
    }
    const confidentialOnly = confidentialOnlyGrant(grantTypes, this.grants);
    if (stored.clientType === 'public' && confidentialOnly !== undefined) {
      throw confidentialOnlyGrantError(confidentialOnly);
    }
    if (clientName !== undefined) stored.clientName = clientName;
    if (grantTypes !== undefined) stored.grantTypes = [...new Set(grantTypes)];
    if (scope !== undefined) stored.scope = scope;
    if (redirectUris !== undefined) stored.redirectUris = [...new Set(redirectUris)];
    if (firstParty !== undefined) stored.firstParty = firstParty;
    stored.updatedAt = new Date();
    return toClient(stored);
  }

  async rotateSecret(clientId: string): Promise<ClientWithSecret | null> {
    const stored = isQueryString(clientId) ? this.clients.get(clientId) : undefined;
    if (!stored || stored.clientType !== 'confidential') return null;
    const clientSecret = generateToken();
    stored.secretDigest = digest(clientSecret);
    stored.updatedAt = new Date();
    return { client: toClient(stored), clientSecret };
  }

  async delete(clientId: string): Promise<boolean> {
    return isQueryString(clientId) && this.clients.delete(clientId);
  }
}

/** A copy with the public fields only: the secret digest never leaves the store. */
function toClient(stored: StoredClient): SentinelClient {
  return {
    clientId: stored.clientId,
    clientName: stored.clientName,
    clientType: stored.clientType,
    grantTypes: [...stored.grantTypes],
    scope: stored.scope,
    redirectUris: [...stored.redirectUris],
    firstParty: stored.firstParty,
    createdAt: new Date(stored.createdAt),
    updatedAt: new Date(stored.updatedAt),
  };
}
