import type { Cluster, Redis } from 'ioredis';
import { CacheUnavailableError } from './cache.errors.js';
import { groupBySlot } from './key-slot.js';
import { ReadBatcher } from './read-batcher.js';
import { isCluster } from './redis-connection.js';
import { StaleEntryGuard, type Tombstone } from './stale-entry-guard.js';
import { encodeRevocation } from './revocation-broadcast.js';
import type { CacheEntry, CachedToken, TokenCache } from './token-cache.js';

const TOMBSTONE_JSON = '{"revoked":true}';

/**
 * {@link TokenCache} on Redis: one string key per token digest, `keyPrefix + digest`, holding the
 * JSON documented on {@link CachedToken} so resource servers in any language can read it. Redis
 * failures reject with {@link CacheUnavailableError}; the caller falls back to MongoDB.
 *
 * With a `revocationChannel`, every revocation also PUBLISHes the revoked digests there, in the
 * same transaction as the tombstones, so instances with an in-process cache evict them at once.
 * Lookups made together are sent together ({@link ReadBatcher}, one `MGET` per slot on Cluster).
 */
export class RedisTokenCache implements TokenCache {
  private readonly reads: ReadBatcher;
  /** With `guardStaleEntries`: refuses live entries Redis may hold from before a restart. */
  readonly staleEntries?: StaleEntryGuard;

  /**
   * @param options.guardStaleEntries see {@link StaleEntryGuard} (ADR 0017); the module turns
   *   it on. Off, the cache trusts whatever Redis holds (contract tests, tools).
   * @param options.isStillLive with the guard: whether the token store still has the token of a
   *   digest live (absent in resource-server mode, which waits for an authorization server).
   */
  constructor(
    private readonly client: Redis,
    private readonly keyPrefix: string,
    private readonly revocationChannel?: string,
    options: {
      guardStaleEntries?: boolean;
      isStillLive?: (digest: string) => Promise<boolean>;
    } = {},
  ) {
    this.reads = new ReadBatcher(client);
    const { isStillLive } = options;
    if (options.guardStaleEntries === true) {
      this.staleEntries = new StaleEntryGuard(
        client,
        keyPrefix,
        `${keyPrefix}~verified-data`,
        TOMBSTONE_JSON,
        (tombstones) => this.write(tombstones, undefined),
        isStillLive === undefined ? undefined : (key) => isStillLive(key.slice(keyPrefix.length)),
      );
    }
  }

  async get(digest: string): Promise<CacheEntry | undefined> {
    const key = this.key(digest);
    const guard = this.staleEntries;
    // A tombstone this instance failed to write: MongoDB has the token revoked.
    if (guard?.isPendingRevocation(key)) return { revoked: true };
    let raw: string | null;
    try {
      raw = await this.reads.read(key);
    } catch (error) {
      // Someone else stored a non-string under our key: data we cannot read is a miss.
      if (isWrongType(error)) return undefined;
      throw unavailable('get', error);
    }
    const entry = raw === null ? undefined : parseCacheEntry(raw);
    if (entry !== undefined && !('revoked' in entry) && guard !== undefined && !guard.isVerified) {
      // Possibly from before a restart or failover: let the caller ask MongoDB (ADR 0017).
      throw unavailable('get', new Error('live entries not verified since Redis (re)connected'));
    }
    return entry;
  }

  async add(digest: string, token: CachedToken, ttlSeconds: number): Promise<void> {
    const ttl = clampTtlSeconds(ttlSeconds);
    try {
      await this.client.set(this.key(digest), serializeToken(token), 'EX', ttl, 'NX');
    } catch (error) {
      throw unavailable('add', error);
    }
  }

  async revoke(entries: Array<{ digest: string; ttlSeconds: number }>): Promise<void> {
    if (entries.length === 0) return;
    const tombstones = entries.map((entry) => ({
      key: this.key(entry.digest),
      ttl: clampTtlSeconds(entry.ttlSeconds),
    }));
    const announcement = encodeRevocation(entries.map((entry) => entry.digest));
    try {
      await this.write(tombstones, announcement);
    } catch (error) {
      // Written again once Redis is back, and refused by this instance meanwhile (ADR 0017).
      this.staleEntries?.noteFailed(tombstones);
      throw error;
    }
  }

  private async write(tombstones: Tombstone[], announcement: string | undefined): Promise<void> {
    if (!isCluster(this.client)) {
      // MULTI/EXEC: one round-trip, and a token family is revoked all at once or not at all.
      await this.transaction(tombstones, announcement);
      return;
    }
    // On Cluster a MULTI must stay within one slot (ADR 0012): one transaction per slot, all
    // acknowledged before the announcement, so no instance hears of a revocation whose
    // tombstones are not written yet. A partial failure rejects; the caller answers 503 and the
    // tombstones already written only refuse more, never less.
    const groups = groupBySlot(tombstones, (tombstone) => tombstone.key);
    await Promise.all(groups.map((group) => this.transaction(group, undefined)));
    if (this.revocationChannel !== undefined && announcement !== undefined) {
      await this.announceOnEveryNode(this.revocationChannel, announcement);
    }
  }

  /**
   * A Cluster PUBLISH reaches subscribers on other nodes one cluster-bus hop later, after the
   * publisher's reply: an instance subscribed elsewhere could still answer from memory once the
   * revocation has been acknowledged (docs/security.md 9). Published on every node instead, each
   * node has written the message to its own subscribers before it replies (duplicates arriving
   * over the bus evict again, harmlessly). A node that is down has no live subscriber.
   */
  private async announceOnEveryNode(channel: string, announcement: string): Promise<void> {
    const nodes = (this.client as unknown as Cluster).nodes('all');
    const results = await Promise.allSettled(
      nodes.map((node) => node.publish(channel, announcement)),
    );
    const failed = results.find((result) => result.status === 'rejected');
    if (nodes.length === 0 || results.every((result) => result.status === 'rejected')) {
      throw unavailable('revoke', failed?.reason ?? new Error('no cluster node to announce on'));
    }
  }

  private async transaction(
    tombstones: ReadonlyArray<{ key: string; ttl: number }>,
    announcement: string | undefined,
  ): Promise<void> {
    const transaction = this.client.multi();
    for (const { key, ttl } of tombstones) transaction.set(key, TOMBSTONE_JSON, 'EX', ttl);
    if (announcement !== undefined && this.revocationChannel !== undefined) {
      transaction.publish(this.revocationChannel, announcement);
    }
    let results: Array<[Error | null, unknown]> | null;
    try {
      results = await transaction.exec();
    } catch (error) {
      throw unavailable('revoke', error);
    }
    const failed =
      results === null ? new Error('transaction aborted') : results.find(([e]) => e)?.[0];
    if (failed) throw unavailable('revoke', failed);
  }

  private key(digest: string): string {
    return this.keyPrefix + digest;
  }
}

/**
 * Redis TTLs are whole seconds and at least 1 (`EX 0` is an error). Rounding up keeps a
 * tombstone alive at least as long as the token it revokes.
 */
export function clampTtlSeconds(ttlSeconds: number): number {
  if (!Number.isFinite(ttlSeconds)) {
    throw new RangeError(`ttlSeconds must be a finite number, got ${ttlSeconds}`);
  }
  return Math.max(1, Math.ceil(ttlSeconds));
}

/** The documented wire format, with exactly these fields in this order. */
export function serializeToken(token: CachedToken): string {
  const { sub, client_id, scope, exp } = token;
  return JSON.stringify({ sub, client_id, scope, exp });
}

/**
 * Reads a cache value defensively: anything that is not exactly a live token or a tombstone
 * (malformed JSON, wrong types, a value from another application) is a miss, never an error.
 */
export function parseCacheEntry(raw: string): CacheEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (v.revoked === true) return { revoked: true };
  // `revoked` with any other value is ambiguous; a miss makes the caller ask MongoDB.
  if ('revoked' in v) return undefined;
  const { sub, client_id, scope, exp } = v;
  if (sub !== null && typeof sub !== 'string') return undefined;
  if (typeof client_id !== 'string' || typeof scope !== 'string') return undefined;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return undefined;
  return { sub, client_id, scope, exp };
}

function isWrongType(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('WRONGTYPE');
}

function unavailable(operation: string, cause: unknown): CacheUnavailableError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new CacheUnavailableError(`Redis token cache ${operation} failed: ${reason}`, { cause });
}
