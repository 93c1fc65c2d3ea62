import type { Redis } from 'ioredis';
import { StorageUnavailableError } from '../storage/storage.errors.js';
import type { ExpiringStore } from './expiring-store.js';

/**
 * {@link ExpiringStore} on Redis: `SET … PX [NX]`, `GET`, `GETDEL` (Redis 6.2+, atomic), `PEXPIRE`,
 * `DEL` and, for indexes, `ZADD` / `ZRANGE` / `ZREMRANGEBYSCORE` / `ZREM`, each on one key
 * (ADR 0012). A failure is a {@link StorageUnavailableError}: the pages
 * answer 503 and nothing is decided (docs/security.md 18). Works with a `Cluster` client too.
 */
export class RedisExpiringStore implements ExpiringStore {
  /** @param keyPrefix e.g. `sentinel:session:`; the key is the prefix and a digest. */
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.call(() => this.redis.set(this.keyPrefix + key, value, 'PX', ttlMs));
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    const reply = await this.call(() =>
      this.redis.set(this.keyPrefix + key, value, 'PX', ttlMs, 'NX'),
    );
    return reply === 'OK';
  }

  async get(key: string): Promise<string | null> {
    return this.call(() => this.redis.get(this.keyPrefix + key));
  }

  async take(key: string): Promise<string | null> {
    return this.call(() => this.redis.getdel(this.keyPrefix + key));
  }

  async expire(key: string, ttlMs: number): Promise<void> {
    await this.call(() => this.redis.pexpire(this.keyPrefix + key, ttlMs));
  }

  async delete(key: string): Promise<void> {
    await this.call(() => this.redis.del(this.keyPrefix + key));
  }

  async addToIndex(key: string, member: string, score: number, ttlMs: number): Promise<void> {
    const full = this.keyPrefix + key;
    await this.call(() => this.redis.zadd(full, score, member));
    await this.call(() => this.redis.pexpire(full, ttlMs));
  }

  async indexMembers(key: string, minScore: number): Promise<string[]> {
    const full = this.keyPrefix + key;
    await this.call(() => this.redis.zremrangebyscore(full, '-inf', minScore));
    return this.call(() => this.redis.zrange(full, 0, -1));
  }

  async removeFromIndex(key: string, member: string): Promise<void> {
    await this.call(() => this.redis.zrem(this.keyPrefix + key, member));
  }

  private async call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new StorageUnavailableError('Redis is unavailable', { cause: error });
    }
  }
}
