import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { CacheUnavailableError } from '../cache/cache.errors.js';
import { LocallyEvictingTokenCache, LocalTokenCache } from '../cache/local-token-cache.js';
import { MemoryTokenCache } from '../cache/memory-token-cache.js';
import type { CacheEntry, CachedToken, TokenCache } from '../cache/token-cache.js';
import type { Clock } from '../clock.js';
import { digest } from '../crypto/digest.js';
import { generateToken } from '../crypto/token-generator.js';
import { OAuthErrorCode } from '../errors/oauth-error-code.js';
import { OAuthException } from '../errors/oauth.exception.js';
import { MemoryTokenStore } from '../storage/memory/memory-token.store.js';
import { StorageUnavailableError } from '../storage/storage.errors.js';
import type { TokenRecord, TokenStore } from '../storage/token-store.js';
import { AccessTokenVerifier, tokenDigest } from './access-token.verifier.js';

const T0 = 1_700_000_000_000;

/** A memory cache that can be made to fail, recording every `add`. */
class ObservedCache implements TokenCache {
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
class ObservedStore extends MemoryTokenStore {
  fail = false;
  lookups = 0;

  override async findByAccessDigest(key: string): Promise<TokenRecord | null> {
    this.lookups += 1;
    if (this.fail) throw new StorageUnavailableError('mongo down');
    return super.findByAccessDigest(key);
  }
}

/** Every line the verifier logs, captured instead of printed. */
const logged: string[] = [];
beforeAll(() => {
  const capture = (message: unknown) => {
    logged.push(String(message));
  };
  Logger.overrideLogger({ log: capture, warn: capture, error: capture });
});
afterAll(() => {
  Logger.overrideLogger(true);
});

describe('AccessTokenVerifier', () => {
  let now: number;
  let clock: Clock;
  let cache: ObservedCache;
  let store: ObservedStore;
  let verifier: AccessTokenVerifier;

  beforeEach(() => {
    now = T0;
    clock = { now: () => now };
    cache = new ObservedCache(new MemoryTokenCache({ now: () => now }));
    store = new ObservedStore();
    verifier = new AccessTokenVerifier(cache, clock, store);
    logged.length = 0;
  });

  /** Stores a token issued now; returns the raw token and its record. */
  async function issue(
    options: { expiresIn?: number; userId?: string | null; scope?: string } = {},
  ): Promise<{ raw: string; record: TokenRecord }> {
    const raw = generateToken();
    const record = await store.insert({
      accessTokenDigest: digest(raw),
      refreshTokenDigest: null,
      userId: options.userId === undefined ? 'user-1' : options.userId,
      clientId: 'client-1',
      scope: options.scope ?? 'read write',
      familyId: `family-${raw.slice(0, 8)}`,
      issuedAt: new Date(now),
      accessExpiresAt: new Date(now + (options.expiresIn ?? 3600) * 1000),
      refreshExpiresAt: null,
    });
    return { raw, record };
  }

  /** Caches a token without storing it, as an issuing instance would have. */
  async function cacheOnly(token: Partial<CachedToken> = {}): Promise<string> {
    const raw = generateToken();
    await cache.inner.add(
      digest(raw),
      {
        sub: 'user-9',
        client_id: 'client-9',
        scope: 'admin',
        exp: Math.floor(now / 1000) + 600,
        ...token,
      },
      600,
    );
    return raw;
  }

  it('answers a cache hit from the cache alone, without reading the store', async () => {
    const raw = await cacheOnly();

    await expect(verifier.verify(raw)).resolves.toEqual({
      userId: 'user-9',
      clientId: 'client-9',
      scope: ['admin'],
      expiresAt: new Date((Math.floor(T0 / 1000) + 600) * 1000),
    });
    expect(store.lookups).toBe(0);
  });

  it('on a miss reads the store and repopulates the cache for the remaining lifetime (ADR 0004)', async () => {
    const { raw } = await issue({ expiresIn: 3600, scope: 'read write' });

    await expect(verifier.verify(raw)).resolves.toEqual({
      userId: 'user-1',
      clientId: 'client-1',
      scope: ['read', 'write'],
      expiresAt: new Date(T0 + 3600 * 1000),
    });
    expect(await cache.inner.get(digest(raw))).toEqual({
      sub: 'user-1',
      client_id: 'client-1',
      scope: 'read write',
      exp: T0 / 1000 + 3600,
    });
    expect(cache.adds).toHaveLength(1);
    expect(cache.adds[0].ttlSeconds).toBe(3600);

    // The next request is a cache hit.
    await verifier.verify(raw);
    expect(store.lookups).toBe(1);
  });

  it('repopulates with the remaining lifetime, not the full one', async () => {
    const { raw } = await issue({ expiresIn: 3600 });
    now += 1000 * 1000;

    await expect(verifier.verify(raw)).resolves.not.toBeNull();
    expect(cache.adds[0].ttlSeconds).toBe(2600);
  });

  it('gives userId null for a client_credentials token', async () => {
    const { raw } = await issue({ userId: null, scope: '' });

    await expect(verifier.verify(raw)).resolves.toMatchObject({ userId: null, scope: [] });
    expect((await cache.inner.get(digest(raw))) as CachedToken).toMatchObject({ sub: null });
  });

  it('a cache tombstone wins over a live store record (docs/security.md 9)', async () => {
    const { raw } = await issue();
    await cache.revoke([{ digest: digest(raw), ttlSeconds: 3600 }]);

    await expect(verifier.verify(raw)).resolves.toBeNull();
    expect(store.lookups).toBe(0);
  });

  it('refuses a cached token whose exp has passed, even while the cache still holds it', async () => {
    const raw = await cacheOnly({ exp: Math.floor(T0 / 1000) - 1 });

    await expect(verifier.verify(raw)).resolves.toBeNull();
  });

  it('refuses a repopulated token once the clock passes its expiry (cache hit path)', async () => {
    const { raw } = await issue({ expiresIn: 60 });
    await expect(verifier.verify(raw)).resolves.not.toBeNull();
    expect(await cache.inner.get(digest(raw))).toBeDefined();

    now = T0 + 59_999;
    await expect(verifier.verify(raw)).resolves.not.toBeNull();
    now = T0 + 60_000;
    await expect(verifier.verify(raw)).resolves.toBeNull();
  });

  it('refuses a token expired in the store, and does not cache it', async () => {
    const { raw } = await issue({ expiresIn: 60 });
    now = T0 + 60_000;

    await expect(verifier.verify(raw)).resolves.toBeNull();
    expect(store.lookups).toBe(1);
    expect(cache.adds).toHaveLength(0);
  });

  it('refuses a token revoked in the store with an empty cache (docs/security.md 9, 17)', async () => {
    const { raw, record } = await issue();
    await store.revokeById(record.id);

    await expect(verifier.verify(raw)).resolves.toBeNull();
    expect(cache.adds).toHaveLength(0);
  });

  it('refuses an unknown token, and the digest of a stored token presented as a token (docs/security.md 20)', async () => {
    const { record } = await issue();

    await expect(verifier.verify(generateToken())).resolves.toBeNull();
    await expect(verifier.verify(record.accessTokenDigest)).resolves.toBeNull();
    expect(cache.adds).toHaveLength(0);
  });

  it('falls back to the store when the cache throws, without writing back (docs/security.md 17)', async () => {
    const { raw } = await issue();
    cache.failGet = true;

    await expect(verifier.verify(raw)).resolves.toMatchObject({ userId: 'user-1' });
    expect(store.lookups).toBe(1);
    expect(cache.adds).toHaveLength(0);
  });

  it('keeps a store revocation while the cache is down (docs/security.md 17)', async () => {
    const { raw, record } = await issue();
    await store.revokeById(record.id);
    cache.failGet = true;

    await expect(verifier.verify(raw)).resolves.toBeNull();
  });

  it('falls back to the store when the cache throws something other than CacheUnavailableError', async () => {
    const { raw } = await issue();
    const broken: TokenCache = {
      get: async () => {
        throw new TypeError('bug in a custom cache');
      },
      add: async () => undefined,
      revoke: async () => undefined,
    };

    await expect(new AccessTokenVerifier(broken, clock, store).verify(raw)).resolves.toMatchObject({
      clientId: 'client-1',
    });
  });

  it('still answers when repopulating the cache fails', async () => {
    const { raw } = await issue();
    cache.failAdd = true;

    await expect(verifier.verify(raw)).resolves.toMatchObject({ userId: 'user-1' });
    expect(cache.adds).toHaveLength(1);
  });

  it('throws 503 temporarily_unavailable when the store throws, never null (docs/security.md 18)', async () => {
    const { raw } = await issue();
    store.fail = true;

    const error = await verifier.verify(raw).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OAuthException);
    const oauth = error as OAuthException;
    expect(oauth.getStatus()).toBe(503);
    expect(oauth.code).toBe(OAuthErrorCode.TemporarilyUnavailable);
    expect(oauth.headers['Retry-After']).toMatch(/^\d+$/);
  });

  it('throws 503 when both the cache and the store are down (docs/security.md 17, 18)', async () => {
    const { raw } = await issue();
    cache.failGet = true;
    store.fail = true;

    await expect(verifier.verify(raw)).rejects.toMatchObject({ status: 503 });
  });

  describe('resource-server mode (no TokenStore)', () => {
    beforeEach(() => {
      verifier = new AccessTokenVerifier(cache, clock, null);
    });

    it('answers a cache hit', async () => {
      const raw = await cacheOnly();
      await expect(verifier.verify(raw)).resolves.toMatchObject({ userId: 'user-9' });
    });

    it('treats a miss as an unknown token', async () => {
      await expect(verifier.verify(generateToken())).resolves.toBeNull();
    });

    it('throws 503 when the cache throws: no source can decide (docs/security.md 18)', async () => {
      const raw = await cacheOnly();
      cache.failGet = true;
      await expect(verifier.verify(raw)).rejects.toMatchObject({ status: 503 });
    });

    it('honours a tombstone (docs/security.md 9)', async () => {
      const raw = await cacheOnly();
      await cache.revoke([{ digest: digest(raw), ttlSeconds: 600 }]);
      await expect(verifier.verify(raw)).resolves.toBeNull();
    });
  });

  it('never passes the raw token to the cache or the store (docs/security.md 20)', async () => {
    const { raw } = await issue();
    const seen: string[] = [];
    const spyCache: TokenCache = {
      get: async (key) => {
        seen.push(key);
        return undefined;
      },
      add: async (key) => {
        seen.push(key);
      },
      revoke: async () => undefined,
    };
    const spyStore = Object.create(store) as TokenStore;
    spyStore.findByAccessDigest = async (key) => {
      seen.push(key);
      return store.findByAccessDigest(key);
    };

    await new AccessTokenVerifier(spyCache, clock, spyStore).verify(raw);
    expect(seen).toEqual([digest(raw), digest(raw), digest(raw)]);
  });

  it('logs each outage once, naming neither the token nor its digest (docs/security.md 22)', async () => {
    const { raw } = await issue();
    cache.failGet = true;
    await verifier.verify(raw);
    await verifier.verify(raw);
    store.fail = true;
    await expect(verifier.verify(raw)).rejects.toBeInstanceOf(OAuthException);
    await expect(verifier.verify(raw)).rejects.toBeInstanceOf(OAuthException);
    cache.failGet = false;
    store.fail = false;
    await verifier.verify(raw);

    expect(logged.filter((line) => line.includes('Token cache unavailable'))).toHaveLength(1);
    expect(logged.filter((line) => line.includes('Token store unavailable'))).toHaveLength(1);
    expect(logged.filter((line) => line.includes('reachable again'))).toHaveLength(2);
    for (const line of logged) {
      expect(line).not.toContain(raw);
      expect(line).not.toContain(digest(raw));
    }
  });
});

describe('AccessTokenVerifier with the in-process cache (option localCache)', () => {
  let now: number;
  let cache: ObservedCache;
  let store: ObservedStore;
  let local: LocalTokenCache;
  let verifier: AccessTokenVerifier;
  /** The cache the module's revocations go through: it evicts this instance's entries too. */
  let revoking: LocallyEvictingTokenCache;

  beforeEach(() => {
    now = T0;
    cache = new ObservedCache(new MemoryTokenCache({ now: () => now }));
    store = new ObservedStore();
    local = new LocalTokenCache(100, 2000);
    local.setServing(true);
    revoking = new LocallyEvictingTokenCache(cache, local);
    verifier = new AccessTokenVerifier(cache, { now: () => now }, store, local);
  });

  async function issueCached(): Promise<string> {
    const raw = generateToken();
    await cache.inner.add(
      digest(raw),
      { sub: 'user-1', client_id: 'client-1', scope: 'read write', exp: T0 / 1000 + 3600 },
      3600,
    );
    return raw;
  }

  /** Counts reads of the shared cache. */
  function countGets(): () => number {
    let gets = 0;
    const inner = cache.get.bind(cache);
    cache.get = (key: string) => {
      gets += 1;
      return inner(key);
    };
    return () => gets;
  }

  it('keys everything by the same digest as crypto/digest.ts', () => {
    for (const raw of [generateToken(), 'a', 'é-ünïcode', '']) {
      expect(tokenDigest(raw)).toBe(digest(raw));
    }
  });

  it('answers repeat checks from memory within the TTL, then asks the shared cache again', async () => {
    const raw = await issueCached();
    const gets = countGets();
    await expect(verifier.verify(raw)).resolves.toMatchObject({ userId: 'user-1' });
    await expect(verifier.verify(raw)).resolves.toMatchObject({ scope: ['read', 'write'] });
    expect(gets()).toBe(1);
    now += 2000;
    await verifier.verify(raw);
    expect(gets()).toBe(2);
  });

  it('sees a revocation made in the turn the token was presented (docs/security.md 9)', async () => {
    const raw = await issueCached();
    await verifier.verify(raw);
    const answer = verifier.verify(raw);
    const revocation = revoking.revoke([{ digest: digest(raw), ttlSeconds: 60 }]);
    await expect(answer).resolves.toBeNull();
    await revocation;
  });

  it("answers each of one turn's tokens on its own: held, unknown, or failing", async () => {
    const held = await issueCached();
    await verifier.verify(held);
    const unknown = generateToken();
    cache.failGet = true;
    store.fail = true;
    const answers = [held, unknown, held].map((raw) => verifier.verify(raw));
    await expect(answers[0]).resolves.toMatchObject({ userId: 'user-1' });
    await expect(answers[1]).rejects.toMatchObject({ status: 503 });
    await expect(answers[2]).resolves.toMatchObject({ userId: 'user-1' });
  });

  it('hands every request its own identity, so a handler cannot change the cached one', async () => {
    const raw = await issueCached();
    const first = (await verifier.verify(raw))!;
    first.scope.push('admin');
    first.expiresAt.setFullYear(2100);
    await expect(verifier.verify(raw)).resolves.toEqual({
      userId: 'user-1',
      clientId: 'client-1',
      scope: ['read', 'write'],
      expiresAt: new Date(T0 + 3600 * 1000),
    });
  });

  it('remembers a token answered by the store too', async () => {
    const raw = generateToken();
    await store.insert({
      accessTokenDigest: digest(raw),
      refreshTokenDigest: null,
      userId: 'user-2',
      clientId: 'client-1',
      scope: 'read',
      familyId: 'family-x',
      issuedAt: new Date(now),
      accessExpiresAt: new Date(now + 600_000),
      refreshExpiresAt: null,
    });
    await verifier.verify(raw);
    const gets = countGets();
    await expect(verifier.verify(raw)).resolves.toMatchObject({ userId: 'user-2' });
    expect(gets()).toBe(0);
    expect(store.lookups).toBe(1);
  });

  it('rejects at once a token revoked through this instance (docs/security.md 9)', async () => {
    const raw = await issueCached();
    await verifier.verify(raw);
    await revoking.revoke([{ digest: digest(raw), ttlSeconds: 3600 }]);
    await expect(verifier.verify(raw)).resolves.toBeNull();
  });

  it('does not keep a token a lookup found live while a revocation landed', async () => {
    const raw = await issueCached();
    const inner = cache.get.bind(cache);
    // The revocation lands between the shared read and its answer reaching the verifier.
    cache.get = async (key: string) => {
      const entry = await inner(key);
      local.evict([key]);
      return entry;
    };
    await expect(verifier.verify(raw)).resolves.not.toBeNull();
    expect(local.size).toBe(0);
  });

  it('neither answers from nor fills memory while the broadcast is down', async () => {
    const raw = await issueCached();
    local.setServing(false);
    const gets = countGets();
    await verifier.verify(raw);
    await verifier.verify(raw);
    expect(gets()).toBe(2);
    expect(local.size).toBe(0);
  });

  it('does not remember a token while the shared cache is failing', async () => {
    const raw = generateToken();
    await store.insert({
      accessTokenDigest: digest(raw),
      refreshTokenDigest: null,
      userId: 'user-3',
      clientId: 'client-1',
      scope: 'read',
      familyId: 'family-y',
      issuedAt: new Date(now),
      accessExpiresAt: new Date(now + 600_000),
      refreshExpiresAt: null,
    });
    cache.failGet = true;
    await expect(verifier.verify(raw)).resolves.toMatchObject({ userId: 'user-3' });
    expect(local.size).toBe(0);
  });

  it("never serves a token past its expiry, whatever the TTL's remainder", async () => {
    const raw = generateToken();
    await cache.inner.add(
      digest(raw),
      { sub: 'user-1', client_id: 'client-1', scope: '', exp: T0 / 1000 + 1 },
      1,
    );
    await expect(verifier.verify(raw)).resolves.not.toBeNull();
    now += 1000;
    await expect(verifier.verify(raw)).resolves.toBeNull();
  });
});
