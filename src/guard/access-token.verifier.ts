import { hash } from 'node:crypto';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import {
  fromCachedToken,
  LocalTokenCache,
  splitScope,
  type LocalToken,
} from '../cache/local-token-cache.js';
import { TokenCache, cachedTokenOf, type CacheEntry } from '../cache/token-cache.js';
import { TurnBatcher } from '../cache/turn-batcher.js';
import { OutageLog, errorName } from '../outage-log.js';
import { Clock } from '../clock.js';
import { OAuthException } from '../errors/oauth.exception.js';
import { TokenStore, type TokenRecord } from '../storage/token-store.js';
import type { OAuthIdentity } from './oauth-identity.js';

/** A token waiting for the in-process cache, with the promise `verify` returned for it. */
interface PendingCheck {
  rawToken: string;
  resolve(identity: OAuthIdentity | null): void;
  reject(error: unknown): void;
}

/** Marks a cache read that failed, as opposed to a miss. */
const CACHE_DOWN = Symbol('cache down');

/**
 * Decides whether a presented access token is live: the resource side's hot path (ADR 0004).
 *
 * 0. With the option `localCache`, the in-process {@link LocalTokenCache}: it holds live tokens
 *    only, and revocations evict them on every instance at once.
 * 1. The token cache, by digest: a tombstone means revoked (docs/security.md 9), a live entry is
 *    checked against the clock.
 * 2. On a miss, the {@link TokenStore} (MongoDB, the source of truth); a live record is written
 *    back to the cache with `add` (SET NX, so it can never overwrite a revocation's tombstone)
 *    for the token's remaining lifetime.
 *
 * Faults (docs/security.md 17, 18): a failing cache is skipped and the store answers; a failing store
 * is a 503 `temporarily_unavailable`, never a 401. In resource-server mode there is no store: a
 * miss is an unknown token, and a failing cache is a 503.
 * @publicApi
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly logger = new Logger('SentinelAccessTokenVerifier');
  private readonly cacheOutage = new OutageLog(this.logger);
  private readonly storeOutage = new OutageLog(this.logger, 'error');
  /** This turn's tokens, checked against the in-process cache together; `null` without one. */
  private readonly checksInMemory: TurnBatcher<PendingCheck> | null;

  constructor(
    @Inject(TokenCache) private readonly cache: TokenCache,
    @Inject(Clock) private readonly clock: Clock,
    @Optional() @Inject(TokenStore) private readonly store: TokenStore | null = null,
    @Optional() @Inject(LocalTokenCache) private readonly local: LocalTokenCache | null = null,
  ) {
    this.checksInMemory =
      local === null ? null : new TurnBatcher((batch) => this.answerFromMemory(local, batch));
  }

  /**
   * @param rawToken the bearer token as presented; only its digest is looked up (docs/security.md 20)
   *   and neither is ever logged (docs/security.md 22).
   * @returns the identity of a live token, or `null` for an unknown, expired or revoked one.
   * @throws OAuthException `temporarily_unavailable` (503) when no backend can answer.
   */
  verify(rawToken: string): Promise<OAuthIdentity | null> {
    const checks = this.checksInMemory;
    if (checks === null) return this.lookUp(tokenDigest(rawToken), this.clock.now(), 0);
    return new Promise((resolve, reject) => checks.add({ rawToken, resolve, reject }));
  }

  /**
   * Step 0 for every token presented in one event-loop turn, once its I/O callbacks have run
   * ({@link TurnBatcher}). Answering a turn's requests together, instead of each in the callback
   * that read it, is what makes this path cheaper than an unguarded route (bench/README.md); it
   * also means a revocation that arrives in the same turn is seen.
   */
  private answerFromMemory(local: LocalTokenCache, batch: PendingCheck[]): void {
    const now = this.clock.now();
    for (const check of batch) {
      try {
        const key = tokenDigest(check.rawToken);
        const held = local.get(key, now);
        if (held !== undefined) check.resolve(toIdentity(held));
        // The ticket is taken before any lookup: a revocation announced meanwhile voids it.
        else this.lookUp(key, now, local.ticket()).then(check.resolve, check.reject);
      } catch (error) {
        check.reject(error);
      }
    }
  }

  /** The shared cache, then the store (steps 1 and 2 above). */
  private async lookUp(key: string, now: number, ticket: number): Promise<OAuthIdentity | null> {
    const local = this.local;
    const entry = await this.readCache(key);
    if (entry !== undefined && entry !== CACHE_DOWN) {
      if ('revoked' in entry || entry.exp * 1000 <= now) return null;
      const token = fromCachedToken(entry);
      local?.remember(key, token, ticket, now);
      return toIdentity(token);
    }
    if (this.store === null) {
      if (entry === CACHE_DOWN) throw OAuthException.temporarilyUnavailable();
      return null;
    }
    const record = await this.readStore(this.store, key);
    if (record === null || record.revoked || record.accessExpiresAt.getTime() <= now) return null;
    const token = fromRecord(record);
    // While the cache is failing, do not wait on it a second time in the same request.
    if (entry !== CACHE_DOWN) {
      await this.repopulate(key, record, now);
      local?.remember(key, token, ticket, now);
    }
    return toIdentity(token);
  }

  private async readCache(key: string): Promise<CacheEntry | undefined | typeof CACHE_DOWN> {
    try {
      const entry = await this.cache.get(key);
      this.cacheOutage.succeeded('Token cache reachable again');
      return entry;
    } catch (error) {
      this.cacheOutage.failed(
        () => `Token cache unavailable (${errorName(error)}); ${this.fallback()}`,
      );
      return CACHE_DOWN;
    }
  }

  private fallback(): string {
    return this.store === null
      ? 'answering 503 until it recovers (no token store in resource-server mode)'
      : 'validating tokens against the token store';
  }

  private async readStore(store: TokenStore, key: string): Promise<TokenRecord | null> {
    try {
      const record = await store.findByAccessDigest(key);
      this.storeOutage.succeeded('Token store reachable again');
      return record;
    } catch (error) {
      this.storeOutage.failed(
        () => `Token store unavailable (${errorName(error)}); answering 503 until it recovers`,
      );
      throw OAuthException.temporarilyUnavailable();
    }
  }

  private async repopulate(key: string, record: TokenRecord, now: number): Promise<void> {
    const token = cachedTokenOf(record);
    const ttlSeconds = token.exp - now / 1000;
    if (ttlSeconds <= 0) return;
    try {
      await this.cache.add(key, token, ttlSeconds);
    } catch {
      // The store already answered; the next request misses again and falls back again.
    }
  }
}

/**
 * The digest the cache and the store are keyed by: the same SHA-256 hex as `digest()` in
 * crypto/digest.ts (a unit test holds them equal), by the one-shot `crypto.hash`, which skips
 * creating a Hash object on every request.
 */
export function tokenDigest(rawToken: string): string {
  return hash('sha256', rawToken, 'hex');
}

function fromRecord(record: TokenRecord): LocalToken {
  return {
    userId: record.userId,
    clientId: record.clientId,
    scope: splitScope(record.scope),
    expiresAtMs: record.accessExpiresAt.getTime(),
  };
}

/** A fresh identity per request: handlers may change it without touching the cached token. */
function toIdentity(token: LocalToken): OAuthIdentity {
  return {
    userId: token.userId,
    clientId: token.clientId,
    scope: token.scope.slice(),
    expiresAt: new Date(token.expiresAtMs),
  };
}
