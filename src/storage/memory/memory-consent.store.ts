import type { ConsentQuery, ConsentStore, SentinelConsent } from '../consent-store.js';
import { assertConsentGrant, canonicalConsentScope } from '../consent-input.js';
import { assertPage, isQueryString } from '../store-input.js';
import type { Page } from '../user-store.js';

/**
 * {@link ConsentStore} in process memory: the zero-setup development default. Hands out copies,
 * like the other memory stores.
 */
export class MemoryConsentStore implements ConsentStore {
  /** Keyed by {@link keyOf}. */
  private readonly consents = new Map<string, SentinelConsent>();

  async find(userId: string, clientId: string): Promise<SentinelConsent | null> {
    if (!isQueryString(userId) || !isQueryString(clientId)) return null;
    const stored = this.consents.get(keyOf(userId, clientId));
    return stored ? copy(stored) : null;
  }

  async grant(
    userId: string,
    clientId: string,
    scopes: readonly string[],
    now = new Date(),
  ): Promise<SentinelConsent> {
    assertConsentGrant(userId, clientId, scopes, now);
    const key = keyOf(userId, clientId);
    const before = this.consents.get(key);
    const stored: SentinelConsent = {
      userId,
      clientId,
      scope: canonicalConsentScope([...(before?.scope.split(' ') ?? []), ...scopes]),
      createdAt: new Date(before?.createdAt ?? now),
      updatedAt: new Date(now),
    };
    this.consents.set(key, stored);
    return copy(stored);
  }

  async listByUser(userId: string, query: ConsentQuery): Promise<Page<SentinelConsent>> {
    assertPage(query);
    const { page, perPage } = query;
    const all = [...this.consents.values()]
      .filter((consent) => consent.userId === userId)
      .sort(
        (a, b) =>
          b.updatedAt.getTime() - a.updatedAt.getTime() ||
          (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0),
      );
    const items = all.slice((page - 1) * perPage, page * perPage).map(copy);
    return { items, total: all.length, page, perPage };
  }

  async revoke(userId: string, clientId: string): Promise<boolean> {
    if (!isQueryString(userId) || !isQueryString(clientId)) return false;
    return this.consents.delete(keyOf(userId, clientId));
  }

  async revokeAllOfUser(userId: string): Promise<number> {
    return this.deleteWhere((consent) => consent.userId === userId);
  }

  async revokeAllOfClient(clientId: string): Promise<number> {
    return this.deleteWhere((consent) => consent.clientId === clientId);
  }

  private deleteWhere(matches: (consent: SentinelConsent) => boolean): number {
    let deleted = 0;
    for (const [key, consent] of this.consents) {
      if (matches(consent)) {
        this.consents.delete(key);
        deleted++;
      }
    }
    return deleted;
  }
}

/** Client ids never contain a space (token-generator.ts); user ids are record ids. */
function keyOf(userId: string, clientId: string): string {
  return `${userId} ${clientId}`;
}

function copy(consent: SentinelConsent): SentinelConsent {
  return {
    ...consent,
    createdAt: new Date(consent.createdAt),
    updatedAt: new Date(consent.updatedAt),
  };
}
