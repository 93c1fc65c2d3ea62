import { Inject, Injectable } from '@nestjs/common';
import type { LockoutPolicy } from '../abuse/attempt-counter.js';
import { type Attempt, BruteForceLimiter } from '../abuse/brute-force.limiter.js';

/**
 * Wrong user codes per client address (IPv6 per /64): 10 free, then 2 s doubling up to 15 min,
 * forgotten after 1 h without attempts (ADR 0023). With 2^34.6 codes (RFC 8628 §6.1) an address
 * gets a few dozen guesses an hour.
 */
export const USER_CODE_ADDRESS_POLICY: LockoutPolicy = {
  freeAttempts: 10,
  lockSeconds: 2,
  maxLockSeconds: 15 * 60,
  resetAfterSeconds: 60 * 60,
};

/**
 * Wrong user codes per browser (the interaction cookie's id, docs/security.md 33): 5 free, then
 * 2 s doubling up to 15 min, forgotten after 1 h — a person mistyping gets told early.
 */
export const USER_CODE_BROWSER_POLICY: LockoutPolicy = {
  freeAttempts: 5,
  lockSeconds: 2,
  maxLockSeconds: 15 * 60,
  resetAfterSeconds: 60 * 60,
};

/**
 * The limit on typing user codes (RFC 8628 §5.1 "brute forcing the user code", docs/security.md
 * 33, ADR 0023), on the `src/abuse` counters: Redis when the module has one, memory otherwise,
 * with the same fallback to memory. Every entry is counted per client address AND per browser
 * BEFORE the code is looked up; while either is locked the entry is refused with 429 and
 * `Retry-After` — a right code too. A right code takes its attempt back but never resets a
 * counter: someone who holds one code of their own cannot clear their guesses with it.
 */
@Injectable()
export class UserCodeThrottle {
  constructor(@Inject(BruteForceLimiter) private readonly limiter: BruteForceLimiter) {}

  /**
   * Starts an entry from `address` (normalized, `clientAddress`) in the browser `browserId`.
   * @throws OAuthException 429 with `Retry-After` while the address or the browser is locked.
   */
  begin(address: string | undefined, browserId: string): Promise<Attempt> {
    return this.limiter.beginAttempt([
      ...(address === undefined
        ? []
        : [
            {
              kind: 'user-code' as const,
              subject: address,
              policy: USER_CODE_ADDRESS_POLICY,
              resetOnSuccess: false,
            },
          ]),
      {
        kind: 'user-code-session',
        subject: browserId,
        policy: USER_CODE_BROWSER_POLICY,
        resetOnSuccess: false,
      },
    ]);
  }
}
