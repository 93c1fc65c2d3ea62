import {
  acquireInState,
  expiresAt,
  isForgotten,
  type AcquireResult,
  type AttemptCounter,
  type CounterKey,
  type CounterRecord,
  type CounterState,
  type LockoutPolicy,
} from './attempt-counter.js';

/** Counters kept at most; beyond it the least recently charged one is dropped first. */
export const MAX_MEMORY_COUNTERS = 100_000;

interface Entry extends CounterRecord {
  expiresAt: number;
}

/**
 * {@link AttemptCounter} in process memory: the counter without Redis, and the fallback while
 * Redis fails. Every method checks and changes state without an `await` in between, so
 * concurrent attempts are counted exactly. Bounded: an attacker spraying usernames can evict
 * only the stalest counters, never grow memory without limit.
 */
export class MemoryAttemptCounter implements AttemptCounter {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = MAX_MEMORY_COUNTERS) {}

  async acquire(keys: readonly CounterKey[], now: number): Promise<AcquireResult> {
    const lockedUntil = this.lockedUntil(
      keys.map((k) => k.key),
      now,
    );
    if (lockedUntil > now) return { allowed: false, lockedUntil };
    for (const { key, policy } of keys) {
      const next = acquireInState(this.live(key, now), policy, now);
      this.store(key, { ...next, expiresAt: expiresAt(next, policy) });
    }
    return { allowed: true };
  }

  async release(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (entry && entry.n > 0) entry.n -= 1;
    }
  }

  async reset(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.entries.delete(key);
  }

  async read(key: string, policy: LockoutPolicy, now: number): Promise<CounterState> {
    const entry = this.live(key, now);
    if (!entry || isForgotten(entry, policy, now)) return { attempts: 0, lockedUntil: 0 };
    return { attempts: entry.n, lockedUntil: entry.lock };
  }

  /** The latest lockout end among `keys` (0 when none is locked), without counting anything. */
  lockedUntil(keys: readonly string[], now: number): number {
    let latest = 0;
    for (const key of keys) {
      const lock = this.live(key, now)?.lock ?? 0;
      if (lock > now && lock > latest) latest = lock;
    }
    return latest;
  }

  private live(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private store(key: string, entry: Entry): void {
    // Re-inserted so the map stays ordered by last attempt: the first key is the stalest.
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const stalest = this.entries.keys().next().value;
      if (stalest !== undefined) this.entries.delete(stalest);
    }
    this.entries.set(key, entry);
  }
}
