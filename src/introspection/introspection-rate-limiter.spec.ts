import { describe, expect, it } from '@jest/globals';
import { OAuthException } from '../errors/oauth.exception.js';
import { resolveSentinelOptions } from '../options/resolve-options.js';
import type { SentinelIntrospectionOptions } from '../sentinel-options.js';
import { FixedWindowCounter } from '../abuse/fixed-window-counter.js';
import { IntrospectionRateLimiter } from './introspection-rate-limiter.js';

function limiter(introspection: SentinelIntrospectionOptions, start = 1_000_000_040_000) {
  const clock = { t: start, now: () => clock.t };
  return {
    clock,
    limiter: new IntrospectionRateLimiter(
      resolveSentinelOptions({ introspection }),
      clock,
      new FixedWindowCounter(resolveSentinelOptions({ introspection })),
    ),
  };
}

async function status(promise: Promise<void>): Promise<{ status: number; retryAfter?: string }> {
  try {
    await promise;
    return { status: 200 };
  } catch (error) {
    if (!(error instanceof OAuthException)) throw error;
    return { status: error.getStatus(), retryAfter: error.headers['Retry-After'] };
  }
}

describe('IntrospectionRateLimiter in memory', () => {
  it('allows `limit` requests per window and client, then 429 until the window ends', async () => {
    const { clock, limiter: l } = limiter({ rateLimit: { limit: 2, windowSeconds: 60 } });
    expect(await status(l.consume('a'))).toEqual({ status: 200 });
    expect(await status(l.consume('a'))).toEqual({ status: 200 });
    expect(await status(l.consume('b'))).toEqual({ status: 200 });
    // 1_000_000_040_000 ms is 20 s into a 60 s window.
    expect(await status(l.consume('a'))).toEqual({ status: 429, retryAfter: '40' });
    clock.t += 40_000;
    expect(await status(l.consume('a'))).toEqual({ status: 200 });
  });

  it('never limits when switched off', async () => {
    const { limiter: l } = limiter({ rateLimit: false });
    for (let i = 0; i < 5000; i++) await l.consume('a');
    expect(await status(l.consume('a'))).toEqual({ status: 200 });
  });
});
