import type { SentinelLockoutPolicy } from '../sentinel-options.js';

/** A lockout policy with every field set, as the options resolver produces it. */
export type LockoutPolicy = Readonly<Required<SentinelLockoutPolicy>>;

/** One counter to charge, and the policy that decides when it locks. */
export interface CounterKey {
  key: string;
  policy: LockoutPolicy;
}

/** Whether an attempt may go on; when not, until when (ms since the epoch) it is refused. */
export type AcquireResult = { allowed: true } | { allowed: false; lockedUntil: number };

/** A counter as it stands: attempts counted and the end of its lockout (0 if never locked). */
export interface CounterState {
  attempts: number;
  lockedUntil: number;
}

/**
 * Port: brute-force attempt counters (docs/security.md 13, ADR 0007). Both implementations run the
 * same algorithm ({@link acquireInState}) and take time from the caller's clock, so tests move
 * time by hand and Redis keys expire only as a backstop.
 */
export interface AttemptCounter {
  /**
   * Atomically, over all `keys`: when any is locked at `now`, refuses (nothing is counted) with
   * the latest lockout end; otherwise counts one attempt on every key, locking each key whose
   * free attempts were already used up for its next (doubling) lockout.
   */
  acquire(keys: readonly CounterKey[], now: number): Promise<AcquireResult>;
  /** Takes back one counted attempt on each key (the attempt succeeded or never ran). */
  release(keys: readonly string[]): Promise<void>;
  /** Forgets the keys entirely (a successful sign-in resets its account). */
  reset(keys: readonly string[]): Promise<void>;
  /** The key's state at `now`; a forgotten key reads as zero. */
  read(key: string, policy: LockoutPolicy, now: number): Promise<CounterState>;
}

/** The stored form of one counter. */
export interface CounterRecord {
  /** Attempts counted (failures, plus attempts still being checked). */
  n: number;
  /** End of the current or last lockout, ms; 0 when never locked. */
  lock: number;
  /** Time of the last counted attempt, ms. */
  last: number;
}

/**
 * Lockout after the attempt that finds `attemptsBefore` already counted: none while free
 * attempts remain, then `lockSeconds` doubling per attempt, capped at `maxLockSeconds`.
 */
export function lockDurationMs(attemptsBefore: number, policy: LockoutPolicy): number {
  if (attemptsBefore < policy.freeAttempts) return 0;
  const doublings = Math.min(attemptsBefore - policy.freeAttempts, 40);
  return Math.min(policy.lockSeconds * 2 ** doublings, policy.maxLockSeconds) * 1000;
}

/** Whether a record has been forgotten at `now`: no attempt for `resetAfterSeconds`, no lock. */
export function isForgotten(record: CounterRecord, policy: LockoutPolicy, now: number): boolean {
  return record.lock <= now && now - record.last >= policy.resetAfterSeconds * 1000;
}

/**
 * The per-key step of {@link AttemptCounter.acquire} once no key is locked; the Redis script
 * mirrors it line by line.
 */
export function acquireInState(
  record: CounterRecord | undefined,
  policy: LockoutPolicy,
  now: number,
): CounterRecord {
  const before = record === undefined || isForgotten(record, policy, now) ? 0 : record.n;
  const duration = lockDurationMs(before, policy);
  return {
    n: before + 1,
    lock: duration > 0 ? now + duration : (record?.lock ?? 0),
    last: now,
  };
}

/** When a stored record may be dropped: the end of its lockout or last attempt, plus the reset time. */
export function expiresAt(record: CounterRecord, policy: LockoutPolicy): number {
  return Math.max(record.lock, record.last) + policy.resetAfterSeconds * 1000;
}
