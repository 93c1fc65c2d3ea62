import { beforeEach, describe, expect, it } from '@jest/globals';
import { LocallyEvictingTokenCache, LocalTokenCache } from '../cache/local-token-cache.js';
import { MemoryTokenCache } from '../cache/memory-token-cache.js';
import { digest } from '../crypto/digest.js';
import { generateToken } from '../crypto/token-generator.js';
import { AccessTokenVerifier, tokenDigest } from './access-token.verifier.js';
import {
  ObservedCache,
  ObservedStore,
  T0,
  captureLogs,
} from './access-token.verifier.test-helper.js';

captureLogs();

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
