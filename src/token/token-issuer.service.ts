import { Inject, Injectable, Logger } from '@nestjs/common';
import { TokenCache, cachedTokenOf } from '../cache/token-cache.js';
import { Clock } from '../clock.js';
import { digest } from '../crypto/digest.js';
import { generateToken } from '../crypto/token-generator.js';
import { lifetimesOf } from '../options/lifetime-options.js';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import { SENTINEL_OPTIONS } from '../sentinel.constants.js';
import { TokenStore, type TokenRecord } from '../storage/token-store.js';
import type { TokenResponse } from './grants/grant.js';
import { errorName } from '../outage-log.js';

/**
 * What a grant decided; the issuer turns it into a stored record and a response.
 * @publicApi
 */
export interface TokenIssue {
  /**
   * The grant type the tokens are issued for: their lifetimes are this grant's
   * (`grantLifetimes`, else the global `accessTokenTtl` / `refreshTokenTtl`).
   */
  grantType: string;
  clientId: string;
  /** `null` when the token acts for the client itself. */
  userId: string | null;
  /** Granted scope, canonical (see `resolveScope`). */
  scope: string;
  /** Issue a refresh token beside the access token. */
  withRefreshToken: boolean;
  /** The family of the grant being refreshed; omitted for a fresh grant (a new family starts). */
  familyId?: string;
}

/**
 * What {@link TokenIssuerService.issue} returns: the token response and the stored record.
 * @publicApi
 */
export interface IssuedTokens {
  response: TokenResponse;
  record: TokenRecord;
}

/**
 * Mints and persists token pairs (docs/security.md 19–21):
 *
 * 1. access and refresh tokens are 256-bit CSPRNG values, base64url ({@link generateToken});
 * 2. the store receives their SHA-256 digests only, with lifetimes from the injected clock;
 * 3. only once the insert has resolved (the pair is durable) is the access token added to the
 *    cache. A cache failure is logged without the token and does not fail the request: the
 *    store is the truth and the guard falls back to it on a miss.
 *
 * Refresh tokens expire `refreshTokenTtl` after THEIR issue (each rotation starts a new window).
 * Lifetimes are those of the requesting grant type (`grantLifetimes`).
 * @publicApi
 */
@Injectable()
export class TokenIssuerService {
  private readonly logger = new Logger('SentinelTokenIssuer');

  constructor(
    @Inject(TokenStore) private readonly tokens: TokenStore,
    @Inject(TokenCache) private readonly cache: TokenCache,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(SENTINEL_OPTIONS) private readonly options: ResolvedSentinelOptions,
  ) {}

  /** @throws StorageUnavailableError when the pair could not be persisted (nothing was issued). */
  async issue(issue: TokenIssue): Promise<IssuedTokens> {
    const now = this.clock.now();
    const accessToken = generateToken();
    const refreshToken = issue.withRefreshToken ? generateToken() : undefined;
    const { accessTokenTtl, refreshTokenTtl } = lifetimesOf(this.options, issue.grantType);

    const record = await this.tokens.insert({
      accessTokenDigest: digest(accessToken),
      refreshTokenDigest: refreshToken === undefined ? null : digest(refreshToken),
      userId: issue.userId,
      clientId: issue.clientId,
      scope: issue.scope,
      familyId: issue.familyId ?? generateToken(),
      issuedAt: new Date(now),
      accessExpiresAt: new Date(now + accessTokenTtl * 1000),
      refreshExpiresAt: refreshToken === undefined ? null : new Date(now + refreshTokenTtl * 1000),
    });
    await this.cacheAccessToken(record, accessTokenTtl);

    const response: TokenResponse = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: accessTokenTtl,
      ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
      scope: record.scope,
    };
    return { response, record };
  }

  private async cacheAccessToken(record: TokenRecord, ttlSeconds: number): Promise<void> {
    try {
      await this.cache.add(record.accessTokenDigest, cachedTokenOf(record), ttlSeconds);
    } catch (error) {
      this.logger.warn(
        `Token ${record.id} is stored but could not be cached ` +
          `(${errorName(error)}); guards fall back to the store`,
      );
    }
  }
}
