import { Inject, Injectable } from '@nestjs/common';
import type { LockoutPolicy } from '../abuse/attempt-counter.js';
import { type Attempt, BruteForceLimiter } from '../abuse/brute-force.limiter.js';
import { OAuthException } from '../errors/oauth.exception.js';
import { ManagementException } from './management.errors.js';

/**
 * Failed management sign-ins per client address (IPv6 per /64): 4 free, then 1 s doubling up to
 * 15 min, forgotten after 1 h. The fifth failure locks the address, as before ADR 0016.
 */
export const MANAGEMENT_ADDRESS_POLICY: LockoutPolicy = {
  freeAttempts: 4,
  lockSeconds: 1,
  maxLockSeconds: 15 * 60,
  resetAfterSeconds: 60 * 60,
};

/**
 * Failed management sign-ins from all addresses together: 50 free, then every further failure
 * locks management for everyone, 1 s doubling up to 60 s; forgotten after 1 h without attempts.
 * Bounds guessing spread over many addresses (issue 15) to about one guess a minute.
 */
export const MANAGEMENT_TOTAL_POLICY: LockoutPolicy = {
  freeAttempts: 50,
  lockSeconds: 1,
  maxLockSeconds: 60,
  resetAfterSeconds: 60 * 60,
};

/** The fixed subject of the total counter. */
export const MANAGEMENT_TOTAL = 'all';

/**
 * Throttle of management sign-ins (docs/security.md 15, ADR 0016) on the `src/abuse` counters:
 * shared through Redis when the module has one, in memory otherwise, with the same fallback to
 * memory when Redis fails. Every attempt that presents credentials is counted before they are
 * checked, per client address and in total; while either is locked the request is refused with
 * 429 — the right password too. A success resets its address and takes the attempt back from
 * the total.
 */
@Injectable()
export class ManagementLoginThrottle {
  constructor(@Inject(BruteForceLimiter) private readonly limiter: BruteForceLimiter) {}

  /**
   * Starts a sign-in from `address` (normalized by `clientAddress`, IPv6 per /64).
   * @throws ManagementException 429 with `Retry-After` while the address or the total is locked.
   */
  async begin(address: string): Promise<Attempt> {
    try {
      return await this.limiter.beginAttempt([
        {
          kind: 'management',
          subject: address,
          policy: MANAGEMENT_ADDRESS_POLICY,
          resetOnSuccess: true,
        },
        {
          kind: 'management-total',
          subject: MANAGEMENT_TOTAL,
          policy: MANAGEMENT_TOTAL_POLICY,
          resetOnSuccess: false,
        },
      ]);
    } catch (error) {
      if (error instanceof OAuthException && error.getStatus() === 429) {
        throw ManagementException.tooManyRequests(Number(error.headers['Retry-After'] ?? 1));
      }
      throw error;
    }
  }
}
