import { clampTtlSeconds, parseCacheEntry, serializeToken } from './redis-token-cache.js';
import type { CacheEntry, CachedToken, TokenCache } from './token-cache.js';

export interface MemoryTokenCacheOptions {
  /** Clock in milliseconds since the epoch; tests pass a fake one. Default `Date.now`. */
  now?: () => number;
  /** Most entries held; beyond it the oldest written entry is evicted. Default 10 000. */
  maxEntries?: number;
}

export const DEFAULT_MEMORY_CACHE_MAX_ENTRIES = 10_000;

const TOMBSTONE_JSON = '{"revoked":true}';

/**
 * In-process {@link TokenCache} for development and tests, with the Redis implementation's
 * semantics: the same JSON values (so callers never share mutable objects with the cache), NX on
 * add, whole-second TTLs of at least 1 s. Bounded: evicting an entry only turns a later lookup
 * into a miss, which the caller answers from MongoDB, the source of truth.
 */
export class MemoryTokenCache implements TokenCache {
  private readonly entries = new Map<string, { json: string; expiresAt: number }>();
  private readonly now: () => number;
  private readonly maxEntries: number;

  constructor(options: MemoryTokenCacheOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxEntries = options.maxEntries ?? DEFAULT_MEMORY_CACHE_MAX_ENTRIES;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${this.maxEntries}`);
    }
  }

  /** Entries currently held, expired ones not yet swept included. */
  get size(): number {
    return this.entries.size;
  }

  async get(digest: string): Promise<CacheEntry | undefined> {
    const json = this.live(digest);
    return json === undefined ? undefined : parseCacheEntry(json);
  }

  async add(digest: string, token: CachedToken, ttlSeconds: number): Promise<void> {
    const ttl = clampTtlSeconds(ttlSeconds);
    if (this.live(digest) !== undefined) return;
    this.write(digest, serializeToken(token), ttl);
  }

  async revoke(entries: Array<{ digest: string; ttlSeconds: number }>): Promise<void> {
    // Validate every TTL first so a bad one writes nothing, like the Redis transaction.
    const ttls = entries.map((entry) => clampTtlSeconds(entry.ttlSeconds));
    entries.forEach((entry, i) => this.write(entry.digest, TOMBSTONE_JSON, ttls[i]));
  }

  /** The stored JSON if present and not expired; an expired entry is removed on the way. */
  private live(digest: string): string | undefined {
    const entry = this.entries.get(digest);
    if (!entry) return undefined;
    if (this.now() >= entry.expiresAt) {
      this.entries.delete(digest);
      return undefined;
    }
    return entry.json;
  }

  private write(digest: string, json: string, ttlSeconds: number): void {
    // Delete first so a rewritten key (a fresh tombstone) moves to the young end of the order.
    this.entries.delete(digest);
    if (this.entries.size >= this.maxEntries) this.evict();
    this.entries.set(digest, { json, expiresAt: this.now() + ttlSeconds * 1000 });
  }

  private evict(): void {
    // Map iteration follows insertion order: the first key is the oldest write. O(1), and with
    // similar TTLs the oldest entry is also the first to expire.
    const oldest = this.entries.keys().next().value;
    if (oldest !== undefined) this.entries.delete(oldest);
  }
}
