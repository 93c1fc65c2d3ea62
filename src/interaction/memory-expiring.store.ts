import type { Clock } from '../clock.js';
import type { ExpiringStore } from './expiring-store.js';

/** Entries kept at most; the oldest-expiring go first, so a flood of visits cannot grow memory. */
export const MAX_MEMORY_ENTRIES = 100_000;

/**
 * {@link ExpiringStore} in process memory, on the module's clock: the zero-setup default. Each
 * operation is one synchronous step between awaits, so {@link take} and {@link setIfAbsent} are
 * atomic.
 */
export class MemoryExpiringStore implements ExpiringStore {
  private readonly entries = new Map<string, { value: string; expiresAt: number }>();
  private readonly indexes = new Map<string, { members: Map<string, number>; expiresAt: number }>();

  constructor(private readonly clock: Clock) {}

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.entries.delete(key);
    if (this.entries.size >= MAX_MEMORY_ENTRIES) this.dropExpired();
    if (this.entries.size >= MAX_MEMORY_ENTRIES) this.dropSoonestToExpire();
    this.entries.set(key, { value, expiresAt: this.clock.now() + ttlMs });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key) !== undefined) return false;
    await this.set(key, value, ttlMs);
    return true;
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async take(key: string): Promise<string | null> {
    const entry = this.live(key);
    this.entries.delete(key);
    return entry?.value ?? null;
  }

  async expire(key: string, ttlMs: number): Promise<void> {
    const entry = this.live(key);
    if (entry !== undefined) entry.expiresAt = this.clock.now() + ttlMs;
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async addToIndex(key: string, member: string, score: number, ttlMs: number): Promise<void> {
    const now = this.clock.now();
    let index = this.indexes.get(key);
    if (index === undefined || index.expiresAt <= now) {
      if (this.indexes.size >= MAX_MEMORY_ENTRIES) this.dropExpiredIndexes(now);
      index = { members: new Map(), expiresAt: 0 };
      this.indexes.set(key, index);
    }
    index.members.set(member, score);
    index.expiresAt = now + ttlMs;
  }

  async indexMembers(key: string, minScore: number): Promise<string[]> {
    const index = this.indexes.get(key);
    if (index === undefined || index.expiresAt <= this.clock.now()) return [];
    for (const [member, score] of index.members) {
      if (score <= minScore) index.members.delete(member);
    }
    return [...index.members.keys()];
  }

  async removeFromIndex(key: string, member: string): Promise<void> {
    this.indexes.get(key)?.members.delete(member);
  }

  private dropExpiredIndexes(now: number): void {
    for (const [key, index] of this.indexes) {
      if (index.expiresAt <= now) this.indexes.delete(key);
    }
  }

  private live(key: string): { value: string; expiresAt: number } | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > this.clock.now()) return entry;
    this.entries.delete(key);
    return undefined;
  }

  private dropExpired(): void {
    const now = this.clock.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
  }

  private dropSoonestToExpire(): void {
    let soonest: [string, number] | undefined;
    for (const [key, entry] of this.entries) {
      if (soonest === undefined || entry.expiresAt < soonest[1]) soonest = [key, entry.expiresAt];
    }
    if (soonest !== undefined) this.entries.delete(soonest[0]);
  }
}
