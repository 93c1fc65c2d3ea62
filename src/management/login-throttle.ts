import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../clock.js';

/** How failed management sign-ins are throttled (docs/security.md 15). */
export interface LoginThrottlePolicy {
  /** Failures from one address before the first lockout. */
  freeAttempts: number;
  /** Length of the first lockout; each further failure doubles it. */
  baseDelaySeconds: number;
  /** Longest lockout. */
  maxDelaySeconds: number;
  /** An address with no failure for this long starts afresh. */
  forgetAfterSeconds: number;
  /** Addresses remembered at most; the least recently failing one is forgotten first. */
  maxTrackedAddresses: number;
}

/** 5 free failures, then 1 s, 2 s, 4 s … up to 15 min per failure; forgotten after 1 h. */
export const DEFAULT_LOGIN_THROTTLE_POLICY: Readonly<LoginThrottlePolicy> = {
  freeAttempts: 5,
  baseDelaySeconds: 1,
  maxDelaySeconds: 15 * 60,
  forgetAfterSeconds: 60 * 60,
  maxTrackedAddresses: 10_000,
};

interface Failures {
  count: number;
  lastFailureAt: number;
  lockedUntil: number;
}

/**
 * In-process limiter of failed management sign-ins per client address, with exponential
 * backoff. While an address is locked out, every request from it is refused — the correct
 * password too — so guessing gains nothing. A success clears the address.
 *
 * Per process: several instances each keep their own count (ADR 0005).
 */
@Injectable()
export class ManagementLoginThrottle {
  protected readonly policy: Readonly<LoginThrottlePolicy> = DEFAULT_LOGIN_THROTTLE_POLICY;
  private readonly failures = new Map<string, Failures>();

  constructor(@Inject(Clock) private readonly clock: Clock) {}

  /** Seconds until `address` may try again; 0 when it is not locked out. */
  retryAfterSeconds(address: string): number {
    const entry = this.current(address);
    if (!entry) return 0;
    const remaining = entry.lockedUntil - this.clock.now();
    return remaining > 0 ? Math.ceil(remaining / 1000) : 0;
  }

  recordFailure(address: string): void {
    const now = this.clock.now();
    const count = (this.current(address)?.count ?? 0) + 1;
    const { freeAttempts, baseDelaySeconds, maxDelaySeconds, maxTrackedAddresses } = this.policy;
    const delaySeconds =
      count < freeAttempts
        ? 0
        : Math.min(baseDelaySeconds * 2 ** (count - freeAttempts), maxDelaySeconds);
    // Re-inserted so the map stays ordered by last failure: the first key is the stalest.
    this.failures.delete(address);
    if (this.failures.size >= maxTrackedAddresses) {
      const stalest = this.failures.keys().next().value;
      if (stalest !== undefined) this.failures.delete(stalest);
    }
    this.failures.set(address, {
      count,
      lastFailureAt: now,
      lockedUntil: now + delaySeconds * 1000,
    });
  }

  recordSuccess(address: string): void {
    this.failures.delete(address);
  }

  private current(address: string): Failures | undefined {
    const entry = this.failures.get(address);
    if (!entry) return undefined;
    const now = this.clock.now();
    const forgetAt = Math.max(
      entry.lockedUntil,
      entry.lastFailureAt + this.policy.forgetAfterSeconds * 1000,
    );
    if (now >= forgetAt) {
      this.failures.delete(address);
      return undefined;
    }
    return entry;
  }
}
