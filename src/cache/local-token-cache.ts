import type { CacheEntry, CachedToken, TokenCache } from './token-cache.js';

/** A live token as the in-process cache holds it: the identity's parts, parsed once. */
export interface LocalToken {
  readonly userId: string | null;
  readonly clientId: string;
  /**
   * Scope tokens. Shared by every request the entry answers, so callers hand out copies. Not
   * frozen on purpose: copying a frozen array takes V8's slow path, ~50 times slower.
   */
  readonly scope: readonly string[];
  /** When the token expires, milliseconds since the epoch. */
  readonly expiresAtMs: number;
}

interface Slot {
  token: LocalToken;
  /** Served until this instant (ms): the earlier of the cache TTL and the token's expiry. */
  until: number;
}

/**
 * The guard's in-process token cache (option `localCache`): a bounded LRU keyed by token digest
 * with a short TTL, in front of the shared {@link TokenCache}. It only ever holds live tokens,
 * never misses or tombstones, so it can only make a lookup faster, never change its answer,
 * as long as revocations reach it:
 *
 * - it serves nothing until the revocation subscription is confirmed ({@link setServing}), and
 *   is emptied whenever the subscription drops, so a revocation missed while disconnected can
 *   never be answered from memory;
 * - {@link evict} (a broadcast revocation, or one made by this instance) bumps a generation;
 *   {@link remember} drops an entry whose lookup began before the latest eviction, so a lookup
 *   racing a revocation cannot re-insert the token it revokes;
 * - entries are served for at most `ttlMs`: the bound when the subscription fails silently.
 *
 * Synchronous: a hit costs one `Map` lookup. ADR 0009 records why it is safe.
 */
export class LocalTokenCache {
  private readonly slots = new Map<string, Slot>();
  private generation = 0;
  private serving = false;

  constructor(
    readonly maxEntries: number,
    readonly ttlMs: number,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
    }
    if (!Number.isInteger(ttlMs) || ttlMs < 1) {
      throw new RangeError(`ttlMs must be a positive integer, got ${ttlMs}`);
    }
  }

  /** Entries held, expired ones not yet swept included. */
  get size(): number {
    return this.slots.size;
  }

  /** Whether lookups may be answered from memory (the revocation subscription is live). */
  get isServing(): boolean {
    return this.serving;
  }

  /** The live token held for `digest` at `now` (ms), or `undefined`. Marks it recently used. */
  get(digest: string, now: number): LocalToken | undefined {
    const slot = this.slots.get(digest);
    if (slot === undefined) return undefined;
    this.slots.delete(digest);
    if (now >= slot.until) return undefined;
    // Re-inserted at the young end of the Map's insertion order: least recently used first out.
    this.slots.set(digest, slot);
    return slot.token;
  }

  /** Taken before a lookup of the shared cache or the store; hand it back to {@link remember}. */
  ticket(): number {
    return this.generation;
  }

  /**
   * Holds a token found live by a lookup that began at `ticket`. Ignored when not serving, when
   * an eviction happened since the ticket was taken, or when the token expires by `now`.
   */
  remember(digest: string, token: LocalToken, ticket: number, now: number): void {
    if (!this.serving || ticket !== this.generation) return;
    const until = Math.min(now + this.ttlMs, token.expiresAtMs);
    if (until <= now) return;
    this.slots.delete(digest);
    if (this.slots.size >= this.maxEntries) {
      // Map iteration follows insertion order, so the first key is the least recently used.
      const oldest = this.slots.keys().next().value;
      if (oldest !== undefined) this.slots.delete(oldest);
    }
    this.slots.set(digest, { token, until });
  }

  /** Forgets revoked tokens and invalidates every lookup in flight. */
  evict(digests: Iterable<string>): void {
    this.generation += 1;
    for (const digest of digests) this.slots.delete(digest);
  }

  /**
   * Starts or stops answering from memory. Either way the cache starts empty and lookups in
   * flight are invalidated: revocations may have been missed while the subscription was down.
   */
  setServing(serving: boolean): void {
    this.generation += 1;
    this.slots.clear();
    this.serving = serving;
  }
}

export function fromCachedToken(token: CachedToken): LocalToken {
  return {
    userId: token.sub,
    clientId: token.client_id,
    scope: splitScope(token.scope),
    expiresAtMs: token.exp * 1000,
  };
}

/** Space-delimited scope (RFC 6749 §3.3) to tokens; stored scopes are already canonical. */
export function splitScope(scope: string): string[] {
  if (scope === '') return [];
  const tokens = scope.split(' ');
  return tokens.includes('') ? [...new Set(tokens.filter((t) => t !== ''))] : tokens;
}

/**
 * The {@link TokenCache} handed to the module's services when the local cache is on: a
 * revocation evicts this instance's entries before the tombstones are written and again once
 * they are, so a lookup racing the write cannot leave the token in memory. Other instances
 * learn of it from the broadcast the shared cache publishes with the tombstones.
 */
export class LocallyEvictingTokenCache implements TokenCache {
  constructor(
    private readonly shared: TokenCache,
    private readonly local: LocalTokenCache,
  ) {}

  get(digest: string): Promise<CacheEntry | undefined> {
    return this.shared.get(digest);
  }

  add(digest: string, token: CachedToken, ttlSeconds: number): Promise<void> {
    return this.shared.add(digest, token, ttlSeconds);
  }

  async revoke(entries: Array<{ digest: string; ttlSeconds: number }>): Promise<void> {
    const digests = entries.map((entry) => entry.digest);
    this.local.evict(digests);
    try {
      await this.shared.revoke(entries);
    } finally {
      this.local.evict(digests);
    }
  }
}
