import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../clock.js';
import type { ResolvedSentinelOptions } from '../../options/resolved-options.js';
import { SENTINEL_OPTIONS } from '../../sentinel.constants.js';
import { digest } from '../../crypto/digest.js';
import { OAuthException } from '../../errors/oauth.exception.js';
import type { SentinelClient } from '../../storage/client-store.js';
import { TokenStore, type TokenRecord } from '../../storage/token-store.js';
import { UserStore, type SentinelUser } from '../../storage/user-store.js';
import { parseScope, resolveScope } from '../scope.js';
import { TokenIssuerService } from '../token-issuer.service.js';
import { TokenRevocationService } from '../../revocation/token-revocation.service.js';
import type { Grant, GrantContext, TokenResponse } from './grant.js';
import { errorName } from '../../outage-log.js';

/** One description for every unusable refresh token, so a foreign client learns nothing. */
export const INVALID_REFRESH_TOKEN = 'Invalid refresh token';

/**
 * Refresh Token grant (RFC 6749 §6) with rotation and reuse detection (RFC 9700 §4.14.2,
 * docs/security.md 6, 19). Steps:
 *
 * 1. Look the token up by digest and check it WITHOUT consuming it: it must belong to the
 *    authenticated client (a foreign client cannot burn someone's token), not be revoked or
 *    expired; its user must still exist and be enabled; the requested scope may only narrow.
 *    A token that was already claimed (rotated, or being rotated right now) is REUSE, see
 *    {@link presentedAgain}.
 * 2. Consume it with one atomic conditional update ({@link TokenStore.consumeRefresh}). Of N
 *    concurrent requests exactly one wins. Every other one is a presentation of a claimed token
 *    and is treated exactly like a later replay, whatever the interleaving (ADR 0003): a loser
 *    that read the record before the winner's consumed mark landed is not let off.
 * 3. Consume-then-insert with compensation: the new pair (same family) is persisted; if that
 *    fails the old token is restored ({@link TokenStore.restoreRefresh}) and the answer is 503.
 *    So the old refresh token and the new pair are never both valid. If the store fails so hard
 *    that the restore fails too, neither is valid and the user signs in again.
 * 4. If the family was revoked while the new pair was being written (a concurrent reuse that
 *    swept the family before the insert), the family is revoked again so the new pair is covered.
 *    The winner's 200 stands, but its pair is revoked like the rest of the family.
 * 5. The replaced access token is revoked (store and cache), so a refresh retires the old pair
 *    everywhere — Flask-Sentinel left it valid in Redis. This is best effort: the new pair is
 *    already durable and is returned even if the old access token could not be revoked.
 */
@Injectable()
export class RefreshTokenGrant implements Grant {
  private readonly logger = new Logger('SentinelRefreshTokenGrant');

  constructor(
    @Inject(TokenStore) private readonly tokens: TokenStore,
    @Inject(UserStore) private readonly users: UserStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(SENTINEL_OPTIONS) private readonly options: ResolvedSentinelOptions,
    private readonly issuer: TokenIssuerService,
    private readonly revocation: TokenRevocationService,
  ) {}

  async handle({ form: request, client }: GrantContext): Promise<TokenResponse> {
    const refreshToken = request.refresh_token;
    if (refreshToken === undefined) {
      throw OAuthException.invalidRequest('Missing parameter: refresh_token');
    }
    const requested = request.scope === undefined ? undefined : parseScope(request.scope);
    const refreshDigest = digest(refreshToken);
    const now = new Date(this.clock.now());

    const record = await this.assertUsable(
      await this.tokens.findByRefreshDigest(refreshDigest),
      client,
      now,
    );
    const user = await this.activeUser(record);
    const scope = resolveScope(requested, {
      client: client.scope,
      user: user.scope,
      previous: record.scope,
    });

    const consumed = await this.tokens.consumeRefresh(refreshDigest, now);
    if (!consumed) {
      // Lost the claim, or the token was revoked meanwhile: decide on the current record. Still
      // looking unconsumed means another caller's claim is in flight (its mark is not written
      // yet): that is a claimed token too, claimed now.
      const current = await this.assertUsable(
        await this.tokens.findByRefreshDigest(refreshDigest),
        client,
        now,
      );
      return this.presentedAgain(current, now, now);
    }
    if (consumed.clientId !== client.clientId) {
      await this.tokens.restoreRefresh(consumed.id);
      throw OAuthException.invalidGrant(INVALID_REFRESH_TOKEN);
    }

    let issued;
    try {
      issued = await this.issuer.issue({
        grantType: 'refresh_token',
        clientId: client.clientId,
        userId: user.id,
        scope,
        withRefreshToken: true,
        familyId: consumed.familyId,
      });
    } catch (error) {
      await this.tokens.restoreRefresh(consumed.id).catch((restoreError: unknown) => {
        this.logger.error(
          `Could not restore refresh token record ${consumed.id} after a failed rotation ` +
            `(${errorName(restoreError)})`,
        );
      });
      throw error;
    }

    await this.sweepIfFamilyRevoked(consumed);
    await this.retireReplacedAccessToken(consumed);
    return issued.response;
  }

  /**
   * Step 1: throws `invalid_grant` unless `record` may be refreshed by `client` at `now`;
   * revokes the family when the token was already rotated (reuse).
   */
  protected async assertUsable(
    record: TokenRecord | null,
    client: SentinelClient,
    now: Date,
  ): Promise<TokenRecord> {
    if (!record || record.clientId !== client.clientId) {
      throw OAuthException.invalidGrant(INVALID_REFRESH_TOKEN);
    }
    if (record.refreshConsumedAt !== null) {
      return this.presentedAgain(record, record.refreshConsumedAt, now);
    }
    if (
      record.revoked ||
      record.refreshExpiresAt === null ||
      record.refreshExpiresAt.getTime() <= now.getTime()
    ) {
      throw OAuthException.invalidGrant(INVALID_REFRESH_TOKEN);
    }
    return record;
  }

  /**
   * The one rule for a refresh token that was already claimed at `claimedAt` (ADR 0003): within
   * `refreshTokenReuseIntervalSeconds` of the claim, `invalid_grant` and the family is left
   * alone (the token's own client presents it — foreign clients were refused before); otherwise
   * reuse: the whole family is revoked (store, then cache tombstones), then `invalid_grant`.
   */
  protected async presentedAgain(record: TokenRecord, claimedAt: Date, now: Date): Promise<never> {
    const intervalMs = this.options.refreshTokenReuseIntervalSeconds * 1000;
    if (now.getTime() - claimedAt.getTime() < intervalMs) {
      this.logger.warn(
        `Rotated refresh token of record ${record.id} presented again within the reuse ` +
          `interval: refused, family ${record.familyId} kept`,
      );
      throw OAuthException.invalidGrant(INVALID_REFRESH_TOKEN);
    }
    this.logger.warn(
      `Refresh token reuse on record ${record.id}: revoking token family ${record.familyId}`,
    );
    await this.revocation.revokeFamily(record.familyId);
    throw OAuthException.invalidGrant(INVALID_REFRESH_TOKEN);
  }

  /** The token's user, who must still exist and be enabled. */
  protected async activeUser(record: TokenRecord): Promise<SentinelUser> {
    const user = record.userId === null ? null : await this.users.findById(record.userId);
    if (!user || user.disabled) throw OAuthException.invalidGrant(INVALID_REFRESH_TOKEN);
    return user;
  }

  /** Step 4. A failure propagates (503): the new pair must not be handed out unswept. */
  private async sweepIfFamilyRevoked(consumed: TokenRecord): Promise<void> {
    const current = await this.tokens.findById(consumed.id);
    if (current === null || current.revoked) {
      await this.revocation.revokeFamily(consumed.familyId);
    }
  }

  /** Step 5, best effort. */
  private async retireReplacedAccessToken(consumed: TokenRecord): Promise<void> {
    try {
      await this.revocation.revokeById(consumed.id);
    } catch (error) {
      this.logger.warn(
        `Could not revoke the replaced access token of record ${consumed.id} ` +
          `(${errorName(error)}); it expires on its own`,
      );
    }
  }
}
