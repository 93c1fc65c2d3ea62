import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import { OutageLog, errorName } from '../outage-log.js';
import { SENTINEL_OPTIONS, SENTINEL_REDIS } from '../sentinel.constants.js';

/**
 * Fixed-window request counters, the rate-limit side of `src/abuse` (the lockout side is
 * {@link BruteForceLimiter}). With Redis a count is one `INCR` on
 * `{keyPrefix}{bucket}:{window}:{subject}` with a TTL of one window, shared by every instance;
 * should Redis fail, the request is counted in process memory instead — never let through
 * uncounted (docs/security.md 17). Without Redis, memory is the only counter. Each key is one
 * key, so this also holds on Redis Cluster.
 */
@Injectable()
export class FixedWindowCounter {
  private readonly logger = new Logger('SentinelRateLimit');
  private readonly redisOutage = new OutageLog(this.logger);
  private readonly memory = new Map<string, { window: number; count: number }>();

  constructor(
    @Inject(SENTINEL_OPTIONS) private readonly options: ResolvedSentinelOptions,
    @Optional() @Inject(SENTINEL_REDIS) private readonly redis: Redis | null = null,
  ) {}

  /**
   * Counts one request of `subject` in `bucket` in the window of `now`.
   * @returns the subject's count in this window, this request included.
   */
  async count(bucket: string, subject: string, windowMs: number, now: number): Promise<number> {
    const window = Math.floor(now / windowMs);
    const key = `${this.options.keyPrefix}${bucket}:${window}:${subject}`;
    return (await this.countInRedis(key, windowMs)) ?? this.countInMemory(key, window);
  }

  /** The count after the increment; `undefined` when Redis failed. */
  private async countInRedis(key: string, windowMs: number): Promise<number | undefined> {
    if (this.redis === null) return undefined;
    try {
      const replies = await this.redis.multi().incr(key).pexpire(key, windowMs).exec();
      const [error, count] = replies?.[0] ?? [new Error('transaction discarded'), undefined];
      if (error || typeof count !== 'number') throw error ?? new Error('unexpected reply');
      this.redisOutage.succeeded('Redis reachable again: rate limits are counted there');
      return count;
    } catch (error) {
      this.redisOutage.failed(
        () =>
          `Redis unavailable (${errorName(error)}); ` +
          'counting rate limits in process memory until it recovers',
      );
      return undefined;
    }
  }

  /** Keeps only current windows: an entry of an older window is replaced. */
  private countInMemory(key: string, window: number): number {
    const entry = this.memory.get(key);
    const count = entry !== undefined && entry.window === window ? entry.count + 1 : 1;
    this.memory.set(key, { window, count });
    if (this.memory.size > 100_000) this.dropOldWindows(window);
    return count;
  }

  private dropOldWindows(current: number): void {
    for (const [key, entry] of this.memory) if (entry.window !== current) this.memory.delete(key);
  }
}
