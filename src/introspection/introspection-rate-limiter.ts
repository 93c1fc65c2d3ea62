import { HttpStatus, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Clock } from '../clock.js';
import { OAuthErrorCode } from '../errors/oauth-error-code.js';
import { OAuthException } from '../errors/oauth.exception.js';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import { OutageLog, errorName } from '../outage-log.js';
import { SENTINEL_OPTIONS, SENTINEL_REDIS } from '../sentinel.constants.js';

/**
 * Counts introspection requests per authenticated client in fixed windows, against token
 * scanning (RFC 7662 §4). Over `introspection.rateLimit.limit` in a window: 429
 * `invalid_request` with `Retry-After` (seconds to the window's end).
 *
 * With Redis the count is one `INCR` on `{keyPrefix}introspect:{window}:{clientId}` (with a
 * TTL of one window), shared by every instance. Should Redis fail, the request is counted in
 * process memory instead — the limiter falls back, it never lets requests through uncounted
 * (docs/security.md 17). Without Redis, memory is the only counter. Windows come from the injected
 * clock.
 */
@Injectable()
export class IntrospectionRateLimiter {
  private readonly logger = new Logger('SentinelIntrospectionLimiter');
  private readonly memory = new Map<string, number>();
  private memoryWindow = Number.NaN;
  private readonly redisOutage = new OutageLog(this.logger);

  constructor(
    @Inject(SENTINEL_OPTIONS) private readonly options: ResolvedSentinelOptions,
    @Inject(Clock) private readonly clock: Clock,
    @Optional() @Inject(SENTINEL_REDIS) private readonly redis: Redis | null = null,
  ) {}

  /**
   * Counts one request of `clientId`.
   * @throws OAuthException 429 with `Retry-After` when the client is over the limit.
   */
  async consume(clientId: string): Promise<void> {
    const policy = this.options.introspection.rateLimit;
    if (policy === false) return;
    const windowMs = policy.windowSeconds * 1000;
    const now = this.clock.now();
    const window = Math.floor(now / windowMs);
    const count =
      (await this.countInRedis(clientId, window, windowMs)) ?? this.countInMemory(clientId, window);
    if (count > policy.limit) {
      const retryAfter = Math.max(1, Math.ceil(((window + 1) * windowMs - now) / 1000));
      throw new OAuthException(
        OAuthErrorCode.InvalidRequest,
        'Too many introspection requests, retry later',
        HttpStatus.TOO_MANY_REQUESTS,
        { 'Retry-After': String(retryAfter) },
      );
    }
  }

  /** The client's count in this window after the increment; `undefined` when Redis failed. */
  private async countInRedis(
    clientId: string,
    window: number,
    windowMs: number,
  ): Promise<number | undefined> {
    if (this.redis === null) return undefined;
    const key = `${this.options.keyPrefix}introspect:${window}:${clientId}`;
    try {
      const replies = await this.redis.multi().incr(key).pexpire(key, windowMs).exec();
      const [error, count] = replies?.[0] ?? [new Error('transaction discarded'), undefined];
      if (error || typeof count !== 'number') throw error ?? new Error('unexpected reply');
      this.redisOutage.succeeded('Redis reachable again: introspection requests are counted there');
      return count;
    } catch (error) {
      this.redisOutage.failed(
        () =>
          `Redis unavailable (${errorName(error)}); ` +
          'counting introspection requests in process memory until it recovers',
      );
      return undefined;
    }
  }

  /** One window at a time: a new window forgets the previous one's counts. */
  private countInMemory(clientId: string, window: number): number {
    if (window !== this.memoryWindow) {
      this.memory.clear();
      this.memoryWindow = window;
    }
    const count = (this.memory.get(clientId) ?? 0) + 1;
    this.memory.set(clientId, count);
    return count;
  }
}
