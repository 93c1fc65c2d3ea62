import { beforeEach, describe, expect, it } from '@jest/globals';
import { MemoryTokenCache } from '../cache/memory-token-cache.js';
import type { CachedToken, TokenCache } from '../cache/token-cache.js';
import type { Clock } from '../clock.js';
import { digest } from '../crypto/digest.js';
import { generateToken } from '../crypto/token-generator.js';
import { OAuthErrorCode } from '../errors/oauth-error-code.js';
import { OAuthException } from '../errors/oauth.exception.js';
import type { TokenRecord, TokenStore } from '../storage/token-store.js';
import { AccessTokenVerifier } from './access-token.verifier.js';
import {
  ObservedCache,
  ObservedStore,
  T0,
  captureLogs,
  logged,
} from './access-token.verifier.test-helper.js';

captureLogs();

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
