import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { FixedWindowCounter } from '../abuse/fixed-window-counter.js';
import { Clock } from '../clock.js';
import { OAuthErrorCode } from '../errors/oauth-error-code.js';
import { OAuthException } from '../errors/oauth.exception.js';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import { SENTINEL_OPTIONS } from '../sentinel.constants.js';

/**
 * Introspection requests per authenticated client, against token scanning (RFC 7662 §4): over
 * `introspection.rateLimit.limit` in a window is 429 `invalid_request` with `Retry-After`
 * (seconds to the window's end). Counted by the `src/abuse` {@link FixedWindowCounter}
 * (`{keyPrefix}introspect:{window}:{clientId}` in Redis, shared by every instance; process memory
 * without Redis or while it is down). Windows come from the injected clock.
 */
@Injectable()
export class IntrospectionRateLimiter {
  constructor(
    @Inject(SENTINEL_OPTIONS) private readonly options: ResolvedSentinelOptions,
    @Inject(Clock) private readonly clock: Clock,
    private readonly counter: FixedWindowCounter,
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
    const count = await this.counter.count('introspect', clientId, windowMs, now);
    if (count > policy.limit) {
      const windowEnd = (Math.floor(now / windowMs) + 1) * windowMs;
      const retryAfter = Math.max(1, Math.ceil((windowEnd - now) / 1000));
      throw new OAuthException(
        OAuthErrorCode.InvalidRequest,
        'Too many introspection requests, retry later',
        HttpStatus.TOO_MANY_REQUESTS,
        { 'Retry-After': String(retryAfter) },
      );
    }
  }
}
