/** Fixtures of the AccessTokenVerifier specs: a cache and a store that can be made to fail. */
import { afterAll, beforeAll } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { CacheUnavailableError } from '../cache/cache.errors.js';
import type { MemoryTokenCache } from '../cache/memory-token-cache.js';
import type { CacheEntry, CachedToken, TokenCache } from '../cache/token-cache.js';
import { MemoryTokenStore } from '../storage/memory/memory-token.store.js';
import { StorageUnavailableError } from '../storage/storage.errors.js';
import type { TokenRecord } from '../storage/token-store.js';

export const T0 = 1_700_000_000_000;

/** A memory cache that can be made to fail, recording every `add`. */
export class ObservedCache implements TokenCache {
  failGet = false;
  failAdd = false;
  readonly adds: Array<{ digest: string; token: CachedToken; ttlSeconds: number }> = [];

  constructor(readonly inner: MemoryTokenCache) {}

  async get(key: string): Promise<CacheEntry | undefined> {
    if (this.failGet) throw new CacheUnavailableError('redis down');
    return this.inner.get(key);
  }

  async add(key: string, token: CachedToken, ttlSeconds: number): Promise<void> {
    this.adds.push({ digest: key, token, ttlSeconds });
    if (this.failAdd) throw new CacheUnavailableError('redis down');
    return this.inner.add(key, token, ttlSeconds);
  }

  async revoke(entries: Array<{ digest: string; ttlSeconds: number }>): Promise<void> {
    return this.inner.revoke(entries);
  }
}

/** A memory store that can be made to fail, counting lookups. */
export class ObservedStore extends MemoryTokenStore {
  fail = false;
  lookups = 0;

  override async findByAccessDigest(key: string): Promise<TokenRecord | null> {
    this.lookups += 1;
    if (this.fail) throw new StorageUnavailableError('mongo down');
    return super.findByAccessDigest(key);
  }
}

/** Every line the verifier logs, captured instead of printed. */
export const logged: string[] = [];
/** Captures what the verifier logs into {@link logged} for the spec file that calls it. */
export function captureLogs(): void {
  beforeAll(() => {
    const capture = (message: unknown) => {
      logged.push(String(message));
    };
    Logger.overrideLogger({ log: capture, warn: capture, error: capture });
  });
  afterAll(() => {
    Logger.overrideLogger(true);
  });
}
