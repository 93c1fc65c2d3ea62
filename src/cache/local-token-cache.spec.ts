import { describe, expect, it } from '@jest/globals';
import { resolveSentinelOptions } from '../options/resolve-options.js';
import {
  fromCachedToken,
  LocallyEvictingTokenCache,
  LocalTokenCache,
  type LocalToken,
} from './local-token-cache.js';
import { MemoryTokenCache } from './memory-token-cache.js';
import { decodeRevocation, encodeRevocation, revocationChannel } from './revocation-broadcast.js';
import type { CacheEntry, CachedToken, TokenCache } from './token-cache.js';

const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;

function token(expiresAtMs = T0 + HOUR, userId = 'alice'): LocalToken {
  return { userId, clientId: 'app', scope: ['read'], expiresAtMs };
}

function serving(maxEntries = 3, ttlMs = 1000): LocalTokenCache {
  const cache = new LocalTokenCache(maxEntries, ttlMs);
  cache.setServing(true);
  return cache;
}

describe('LocalTokenCache', () => {
  it('serves a remembered token until its TTL, then forgets it', () => {
    const cache = serving(3, 1000);
    cache.remember('a', token(), cache.ticket(), T0);
    expect(cache.get('a', T0 + 999)).toEqual(token());
    expect(cache.get('a', T0 + 1000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it("never serves a token past the token's own expiry", () => {
    const cache = serving(3, 10_000);
    cache.remember('a', token(T0 + 500), cache.ticket(), T0);
    expect(cache.get('a', T0 + 499)).toBeDefined();
    expect(cache.get('a', T0 + 500)).toBeUndefined();
    cache.remember('b', token(T0), cache.ticket(), T0);
    expect(cache.size).toBe(0);
  });

  it('is bounded: the least recently used entry goes first', () => {
    const cache = serving(3);
    for (const key of ['a', 'b', 'c']) cache.remember(key, token(), cache.ticket(), T0);
    expect(cache.get('a', T0)).toBeDefined(); // a is now the most recently used
    cache.remember('d', token(), cache.ticket(), T0);
    expect(cache.size).toBe(3);
    expect(cache.get('b', T0)).toBeUndefined();
    for (const key of ['a', 'c', 'd']) expect(cache.get(key, T0)).toBeDefined();
  });

  it('evicts revoked digests and drops what a lookup that began before found', () => {
    const cache = serving();
    cache.remember('a', token(), cache.ticket(), T0);
    const inFlight = cache.ticket();
    cache.evict(['a']);
    expect(cache.get('a', T0)).toBeUndefined();
    cache.remember('a', token(), inFlight, T0); // the racing lookup's answer
    expect(cache.get('a', T0)).toBeUndefined();
    cache.remember('a', token(), cache.ticket(), T0); // a lookup begun after
    expect(cache.get('a', T0)).toBeDefined();
  });

  it('holds and serves nothing until serving, and empties when it stops', () => {
    const cache = new LocalTokenCache(3, 1000);
    cache.remember('a', token(), cache.ticket(), T0);
    expect(cache.size).toBe(0);
    const beforeStart = cache.ticket();
    cache.setServing(true);
    cache.remember('a', token(), beforeStart, T0);
    expect(cache.size).toBe(0);
    cache.remember('a', token(), cache.ticket(), T0);
    expect(cache.get('a', T0)).toBeDefined();
    cache.setServing(false);
    expect(cache.isServing).toBe(false);
    expect(cache.get('a', T0)).toBeUndefined();
  });

  it.each([
    [0, 1000],
    [1.5, 1000],
    [10, 0],
  ])('refuses maxEntries %p with ttlMs %p', (maxEntries, ttlMs) => {
    expect(() => new LocalTokenCache(maxEntries, ttlMs)).toThrow(RangeError);
  });

  it('parses a shared-cache entry once', () => {
    const parsed = fromCachedToken({ sub: null, client_id: 'm2m', scope: 'a b', exp: T0 / 1000 });
    expect(parsed).toEqual({ userId: null, clientId: 'm2m', scope: ['a', 'b'], expiresAtMs: T0 });
  });
});

/** Records calls, and can hold a revocation open to interleave a lookup. */
class SlowSharedCache implements TokenCache {
  readonly inner = new MemoryTokenCache({ now: () => T0 });
  release?: () => void;
  fail = false;

  get(digest: string): Promise<CacheEntry | undefined> {
    return this.inner.get(digest);
  }

  add(digest: string, cached: CachedToken, ttlSeconds: number): Promise<void> {
    return this.inner.add(digest, cached, ttlSeconds);
  }

  async revoke(entries: Array<{ digest: string; ttlSeconds: number }>): Promise<void> {
    await new Promise<void>((resolve) => (this.release = resolve));
    if (this.fail) throw new Error('redis down');
    await this.inner.revoke(entries);
  }
}

describe('LocallyEvictingTokenCache', () => {
  it('evicts before and after the shared revocation, so a racing lookup is not kept', async () => {
    const shared = new SlowSharedCache();
    const local = serving();
    const cache = new LocallyEvictingTokenCache(shared, local);
    local.remember('a', token(), local.ticket(), T0);

    const revoking = cache.revoke([{ digest: 'a', ttlSeconds: 60 }]);
    expect(local.get('a', T0)).toBeUndefined();
    // A lookup that starts now still sees the shared entry live (no tombstone yet)…
    const ticket = local.ticket();
    shared.release!();
    await revoking;
    // …and its answer is dropped because the revocation completed meanwhile.
    local.remember('a', token(), ticket, T0);
    expect(local.get('a', T0)).toBeUndefined();
    expect(await cache.get('a')).toEqual({ revoked: true });
  });

  it('evicts locally even when the shared revocation fails', async () => {
    const shared = new SlowSharedCache();
    shared.fail = true;
    const local = serving();
    const cache = new LocallyEvictingTokenCache(shared, local);
    local.remember('a', token(), local.ticket(), T0);
    const revoking = cache.revoke([{ digest: 'a', ttlSeconds: 60 }]);
    shared.release!();
    await expect(revoking).rejects.toThrow('redis down');
    expect(local.get('a', T0)).toBeUndefined();
  });

  it('delegates get and add to the shared cache', async () => {
    const shared = new SlowSharedCache();
    const cache = new LocallyEvictingTokenCache(shared, serving());
    const cached: CachedToken = { sub: 'u', client_id: 'c', scope: '', exp: T0 / 1000 + 60 };
    await cache.add('k', cached, 60);
    expect(await cache.get('k')).toEqual(cached);
  });
});

describe('revocation broadcast messages', () => {
  it('name the channel after the key prefix and carry digests only', () => {
    expect(revocationChannel('sentinel:')).toBe('sentinel:revocations');
    const digests = ['ab'.repeat(32), 'cd'.repeat(32)];
    expect(decodeRevocation(encodeRevocation(digests))).toEqual(digests);
    expect(decodeRevocation('')).toEqual([]);
  });
});

describe('the localCache option', () => {
  it('is off by default and takes the defaults with true', () => {
    expect(resolveSentinelOptions().localCache).toBe(false);
    expect(resolveSentinelOptions({ localCache: false }).localCache).toBe(false);
    expect(resolveSentinelOptions({ localCache: true }).localCache).toEqual({
      maxEntries: 10_000,
      ttlMs: 2000,
    });
    expect(resolveSentinelOptions({ localCache: { ttlMs: 500 } }).localCache).toEqual({
      maxEntries: 10_000,
      ttlMs: 500,
    });
  });

  it.each([
    [{ localCache: 'yes' }, /"localCache"/],
    [{ localCache: [] }, /"localCache"/],
    [{ localCache: { ttlMs: 0 } }, /"localCache\.ttlMs"/],
    [{ localCache: { ttlMs: 60_001 } }, /"localCache\.ttlMs": must be at most 60000/],
    [{ localCache: { maxEntries: 1.5 } }, /"localCache\.maxEntries"/],
  ])('refuses %j, naming the field', (options, message) => {
    expect(() => resolveSentinelOptions(options as never)).toThrow(message);
  });
});
