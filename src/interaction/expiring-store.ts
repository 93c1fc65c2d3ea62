/**
 * Port: short-lived values under secret-derived keys (sessions, pending authorization requests;
 * later device-code polling state). Redis with a TTL when the module has Redis, process memory
 * otherwise (DESIGN.md "Storage for the new things"). Keys are digests of the secrets
 * (docs/security.md 26, 34); values are JSON text. Every operation touches one key, so nothing
 * crosses hash slots on Redis Cluster (ADR 0012).
 *
 * @throws StorageUnavailableError from every method when the backing store fails.
 */
export interface ExpiringStore {
  /** Stores `value` under `key` for `ttlMs` milliseconds, replacing what was there. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /**
   * Stores `value` under `key` for `ttlMs` only when the key does not exist (`SET NX`): of
   * concurrent calls, exactly one returns `true`.
   */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** The value under `key`, or `null` when there is none or it expired. */
  get(key: string): Promise<string | null>;
  /** Reads and deletes in one atomic step: of two concurrent calls, one gets the value. */
  take(key: string): Promise<string | null>;
  /** Sets a new time to live on an existing key; nothing when it is gone. */
  expire(key: string, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Adds `member` to the sorted index under `key` with `score` (an epoch-ms expiry), and gives
   * the index `ttlMs` to live (`ZADD` + `PEXPIRE`, one key). Used to list what belongs to one
   * owner, e.g. a client's device authorizations.
   */
  addToIndex(key: string, member: string, score: number, ttlMs: number): Promise<void>;
  /** The members of the index under `key` whose score is above `minScore`; older ones are pruned. */
  indexMembers(key: string, minScore: number): Promise<string[]>;
  removeFromIndex(key: string, member: string): Promise<void>;
}
