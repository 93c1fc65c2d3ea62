/**
 * What the cache holds for a live access token. Serialized to Redis as JSON with these field
 * names so resource servers in any language can read it:
 * `{"sub": "<user id>|null", "client_id": "…", "scope": "a b", "exp": <epoch seconds>}`.
 * A revoked token is held as the tombstone `{"revoked": true}` until it would have expired.
 * @publicApi
 */
export interface CachedToken {
  sub: string | null;
  client_id: string;
  scope: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/** @publicApi */
export type CacheEntry = CachedToken | { revoked: true };

/**
 * The cache entry of a stored token record. `exp` is in whole seconds, rounded down, so the
 * cached entry never outlives the record.
 */
export function cachedTokenOf(record: {
  userId: string | null;
  clientId: string;
  scope: string;
  accessExpiresAt: Date;
}): CachedToken {
  return {
    sub: record.userId,
    client_id: record.clientId,
    scope: record.scope,
    exp: Math.floor(record.accessExpiresAt.getTime() / 1000),
  };
}

/**
 * Port: fast access-token lookup by digest (Flask-Sentinel's Redis bridge, done safely).
 * @publicApi
 */
export interface TokenCache {
  /** `undefined` on a miss; a tombstone for a token known to be revoked. */
  get(digest: string): Promise<CacheEntry | undefined>;
  /**
   * Stores a live token for `ttlSeconds` only if nothing is stored under the digest yet
   * (SET NX), so a lookup racing a revocation can never overwrite its tombstone.
   */
  add(digest: string, token: CachedToken, ttlSeconds: number): Promise<void>;
  /** Overwrites entries with tombstones for `ttlSeconds` each (revocation, docs/security.md 9). */
  revoke(entries: Array<{ digest: string; ttlSeconds: number }>): Promise<void>;
}
/**
 * DI token of the {@link TokenCache} port.
 * @publicApi
 */
export const TokenCache = Symbol('SENTINEL:TokenCache');
