import { Logger, type LoggerService } from '@nestjs/common';
import type { Cluster, Redis } from 'ioredis';
import { isCluster } from './redis-connection.js';
import { escapeGlob, runId, servingPrimaries } from './redis-data-identity.js';

/** A tombstone, as the cache writes it. */
export interface Tombstone {
  key: string;
  ttl: number;
}

/** Replaces a live entry by a tombstone (same expiry) if it still holds what was checked. */
const TOMBSTONE_IF_UNCHANGED_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
  return 1
end
return 0
`;

/** Whether the token store still holds the token of a cache key as live (MongoDB: the truth). */
export type IsStillLive = (key: string) => Promise<boolean>;

/** Failed tombstones kept for retry; past this the oldest are forgotten (and logged). */
const MAX_PENDING = 100_000;
/** Retry of a verification that failed while the connection stayed up. */
const RETRY_MS = 1000;

/**
 * Keeps the Redis token cache from serving live entries that MongoDB has revoked in the meantime
 * (issue 17, ADR 0017): Redis restarted with its old data (AOF/RDB), a Sentinel or Cluster
 * failover to a replica that missed the last tombstones, or tombstones that failed to be written
 * while Redis was unreachable (a revocation answered 503, a refresh answered 200).
 *
 * - The identity of the data is the `run_id` of the primary (of every primary on Cluster), which
 *   changes on every restart and every promotion. It is recorded under `markerKey` once the
 *   cache has been checked for it. When the connection (re)opens and the marker differs, every
 *   live entry under the prefix is checked against the token store and tombstoned when the
 *   store no longer has it live, before the marker is updated. Without a store (resource-server
 *   mode) the instance waits until an authorization server has done so.
 * - From the moment the connection drops until that check is done, live entries are not
 *   trusted: the cache reports itself unavailable for them, so the guard asks MongoDB (or
 *   answers 503 in resource-server mode), never a stale "live".
 * - Tombstones whose write failed are remembered in process ({@link noteFailed}), answered as
 *   revoked by this instance meanwhile, and written again once Redis is back.
 */
export class StaleEntryGuard {
  private verified = false;
  private generation = 0;
  private retryTimer?: NodeJS.Timeout;
  private readonly pending = new Map<string, { ttl: number; expiresAt: number }>();
  private readonly waiters = new Set<() => void>();
  private readonly listeners: Array<[string, () => void]> = [];

  constructor(
    private readonly client: Redis,
    private readonly keyPrefix: string,
    private readonly markerKey: string,
    private readonly tombstoneJson: string,
    private readonly writeTombstones: (tombstones: Tombstone[]) => Promise<void>,
    private readonly isStillLive: IsStillLive | undefined,
    private readonly logger: Pick<LoggerService, 'log' | 'warn'> = new Logger('SentinelRedis'),
  ) {
    this.listen('close', () => this.distrust());
    this.listen('ready', () => void this.verify());
    if (isCluster(client)) {
      // A Cluster failover does not always close the client: a node change is reason enough.
      const changed = () => {
        this.distrust();
        void this.verify();
      };
      this.listen('+node', changed);
      this.listen('-node', changed);
    }
    if (client.status === 'ready') void this.verify();
  }

  /** Whether live entries may be served now. */
  get isVerified(): boolean {
    return this.verified;
  }

  /** Resolves `true` once verified, `false` after `timeoutMs`. */
  whenVerified(timeoutMs: number): Promise<boolean> {
    if (this.verified) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve(this.verified);
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.add(done);
    });
  }

  /** True when a tombstone for `key` failed to be written and has not been written since. */
  isPendingRevocation(key: string, now = Date.now()): boolean {
    const pending = this.pending.get(key);
    if (pending === undefined) return false;
    if (pending.expiresAt > now) return true;
    this.pending.delete(key);
    return false;
  }

  /** Remembers tombstones whose write failed, to answer them as revoked and write them later. */
  noteFailed(tombstones: readonly Tombstone[], now = Date.now()): void {
    for (const { key, ttl } of tombstones) {
      this.pending.delete(key);
      this.pending.set(key, { ttl, expiresAt: now + ttl * 1000 });
    }
    if (this.pending.size > MAX_PENDING) {
      this.logger.warn('Too many unwritten tombstones; the oldest are left to expire');
      for (const key of this.pending.keys()) {
        if (this.pending.size <= MAX_PENDING) break;
        this.pending.delete(key);
      }
    }
  }

  /** Stops listening (an application's client outlives the module). */
  close(): void {
    clearTimeout(this.retryTimer);
    this.generation += 1;
    for (const [event, listener] of this.listeners) this.client.off(event, listener);
    this.listeners.length = 0;
  }

  private listen(event: string, listener: () => void): void {
    this.client.on(event, listener);
    this.listeners.push([event, listener]);
  }

  private distrust(): void {
    this.generation += 1;
    this.verified = false;
  }

  private async verify(): Promise<void> {
    clearTimeout(this.retryTimer);
    const generation = ++this.generation;
    try {
      const identity = await this.identity();
      const marker = await this.client.get(this.markerKey);
      if (marker !== identity && this.isStillLive === undefined) {
        // No store to check against: an authorization server instance does it and moves the
        // marker. No marker at all means no instance ever checked this data: nothing to wait for.
        if (marker !== null) throw new Error('waiting for the cache to be checked');
      } else if (marker !== identity && this.isStillLive !== undefined) {
        const revoked = await this.tombstoneRevokedEntries(this.isStillLive);
        await this.client.set(this.markerKey, identity);
        if (revoked > 0) {
          this.logger.log(
            `Redis data changed hands (restart or failover): ${revoked} cached token(s) the ` +
              'token store has revoked were tombstoned',
          );
        }
      }
      await this.retryPending();
      if (generation !== this.generation) return;
      this.verified = true;
      for (const waiter of [...this.waiters]) waiter();
    } catch {
      if (generation !== this.generation) return;
      // Still connected but the check failed (e.g. a Cluster node in failover): try again.
      this.retryTimer = setTimeout(() => void this.verify(), RETRY_MS);
      this.retryTimer.unref();
    }
  }

  /**
   * `run_id` of the primary; on Cluster, `node id:run_id` of every primary that serves slots.
   * A Cluster in the middle of a failover (a primary flagged `fail`, or a client whose pool does
   * not list the primaries yet) is not verified: the check is retried until it has settled.
   */
  private async identity(): Promise<string> {
    if (!isCluster(this.client)) return runId(await this.client.info('server'));
    const cluster = this.client as unknown as Cluster;
    const masters = servingPrimaries(String(await this.client.cluster('NODES')));
    if (masters.some((node) => node.failing)) throw new Error('cluster failover in progress');
    const pool = new Map(
      cluster.nodes('master').map((node) => [`${node.options.host}:${node.options.port}`, node]),
    );
    const ids = await Promise.all(
      masters.map(async ({ id, address }) => {
        const node = pool.get(address);
        if (node === undefined) {
          cluster.refreshSlotsCache();
          throw new Error('cluster client does not know every primary yet');
        }
        return `${id}:${runId(await node.info('server'))}`;
      }),
    );
    return ids.sort().join(',');
  }

  private primaries(): Redis[] {
    return isCluster(this.client)
      ? (this.client as unknown as Cluster).nodes('master')
      : [this.client];
  }

  private async tombstoneRevokedEntries(isStillLive: IsStillLive): Promise<number> {
    let revoked = 0;
    const match = `${escapeGlob(this.keyPrefix)}*`;
    for (const node of this.primaries()) {
      let cursor = '0';
      do {
        // Small batches: each live entry costs one token-store lookup.
        const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', 200);
        cursor = next;
        const results = await Promise.all(
          keys.filter((key) => key !== this.markerKey).map((key) => this.check(key, isStillLive)),
        );
        revoked += results.filter(Boolean).length;
      } while (cursor !== '0');
    }
    return revoked;
  }

  /** Tombstones `key` when it holds a live entry the store no longer has live. */
  private async check(key: string, isStillLive: IsStillLive): Promise<boolean> {
    const value = await this.client.get(key);
    if (value === null || value === this.tombstoneJson) return false;
    if (await isStillLive(key)) return false;
    const args = [value, this.tombstoneJson];
    return Number(await this.client.eval(TOMBSTONE_IF_UNCHANGED_SCRIPT, 1, key, ...args)) === 1;
  }

  private async retryPending(): Promise<void> {
    if (this.pending.size === 0) return;
    const now = Date.now();
    const tombstones: Tombstone[] = [];
    for (const [key, { expiresAt }] of this.pending) {
      const ttl = Math.ceil((expiresAt - now) / 1000);
      if (ttl > 0) tombstones.push({ key, ttl });
    }
    if (tombstones.length > 0) await this.writeTombstones(tombstones);
    for (const { key } of tombstones) this.pending.delete(key);
    this.logger.log(`Wrote ${tombstones.length} tombstone(s) that had failed while Redis was down`);
  }
}
