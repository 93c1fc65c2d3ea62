import { Inject, Injectable, Logger } from '@nestjs/common';
import { TokenCache } from '../cache/token-cache.js';
import { Clock } from '../clock.js';
import { OAuthException } from '../errors/oauth.exception.js';
import { TokenStore, type Revocation } from '../storage/token-store.js';
import { errorName } from '../outage-log.js';

/**
 * Revokes tokens in the store (the truth), then tombstones their access tokens in the cache so
 * every instance rejects them at once (docs/security.md 9).
 *
 * Why a cache failure is a 503 and not a shrug: by then the store is revoked, and a guard that
 * MISSES the cache reads the store and rejects the token. But a LIVE entry written at issuance
 * is still in the cache, and a guard that HITS it would keep accepting the token until it
 * expires. The caller is told (503 `temporarily_unavailable`, Retry-After) instead of being told
 * the revocation took full effect. Tombstones live for the remaining access-token lifetime
 * (at least 1 s), after which the token is expired anyway. The store lists every unexpired
 * access token the revocation covers, revoked now or before, so a retry tombstones them all
 * even though the store has nothing left to revoke (ADR 0007).
 * @publicApi
 */
@Injectable()
export class TokenRevocationService {
  private readonly logger = new Logger('SentinelTokenRevocation');

  constructor(
    @Inject(TokenStore) private readonly tokens: TokenStore,
    @Inject(TokenCache) private readonly cache: TokenCache,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** Revokes every token of a grant's family (refresh-token reuse, RFC 9700 §4.14.2). */
  async revokeFamily(familyId: string): Promise<Revocation> {
    return this.tombstone(await this.tokens.revokeFamily(familyId, this.now()));
  }

  async revokeById(id: string): Promise<Revocation> {
    return this.tombstone(await this.tokens.revokeById(id, this.now()));
  }

  async revokeByUser(userId: string): Promise<Revocation> {
    return this.tombstone(await this.tokens.revokeByUser(userId, this.now()));
  }

  async revokeByClient(clientId: string): Promise<Revocation> {
    return this.tombstone(await this.tokens.revokeByClient(clientId, this.now()));
  }

  /** Revokes the user's tokens of one client (a withdrawn consent, docs/security.md 30). */
  async revokeByUserAndClient(userId: string, clientId: string): Promise<Revocation> {
    return this.tombstone(await this.tokens.revokeByUserAndClient(userId, clientId, this.now()));
  }

  /**
   * Tombstones every unexpired access token the revocation covers — those revoked by earlier
   * calls too ({@link Revocation.unexpired}), so retrying after a 503 repairs the cache.
   * @throws OAuthException 503 when the cache could not be told (see the class comment).
   */
  protected async tombstone(revocation: Revocation): Promise<Revocation> {
    if (revocation.unexpired.length === 0) return revocation;
    const now = this.clock.now();
    const entries = revocation.unexpired.map((record) => ({
      digest: record.accessTokenDigest,
      ttlSeconds: Math.max(1, Math.ceil((record.accessExpiresAt.getTime() - now) / 1000)),
    }));
    try {
      await this.cache.revoke(entries);
    } catch (error) {
      this.logger.error(
        `Revoked ${entries.length} token(s) in the store but could not tombstone them in the ` +
          `token cache (${errorName(error)}); cached entries may be served until they expire`,
      );
      throw OAuthException.temporarilyUnavailable();
    }
    return revocation;
  }

  private now(): Date {
    return new Date(this.clock.now());
  }
}
