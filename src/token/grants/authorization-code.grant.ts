import { Inject, Injectable, Logger } from '@nestjs/common';
import { verifiesChallenge } from '../../authorization/pkce.js';
import { Clock } from '../../clock.js';
import { digest } from '../../crypto/digest.js';
import { OAuthException } from '../../errors/oauth.exception.js';
import { TokenRevocationService } from '../../revocation/token-revocation.service.js';
import {
  AuthorizationCodeStore,
  type AuthorizationCodeRecord,
} from '../../storage/authorization-code-store.js';
import type { SentinelClient } from '../../storage/client-store.js';
import { UserStore } from '../../storage/user-store.js';
import { TokenIssuerService } from '../token-issuer.service.js';
import type { Grant, GrantContext, TokenResponse } from './grant.js';

/** One description for every unusable code, so a caller learns nothing about why. */
export const INVALID_CODE = 'Invalid authorization code';

/**
 * Authorization Code grant, token side (RFC 6749 §4.1.3–4.1.4) with PKCE (RFC 7636 §4.5–4.6):
 *
 * 1. `code` is required; `code_verifier` too, unless the code was issued without a challenge
 *    (a confidential client with PKCE relaxed) — then a verifier is refused as a downgrade
 *    (docs/security.md 24, ADR 0021). The code is used up either way.
 * 2. The code is redeemed atomically and once ({@link AuthorizationCodeStore.redeem}). A second
 *    redemption is refused and revokes every token issued from the code (§4.1.2): they share
 *    the family chosen when the code was minted.
 * 3. The code must be bound to the authenticated client; `redirect_uri` must be given and equal
 *    when the authorization request named one (§4.1.3); the verifier must match the stored
 *    challenge. Every failure is the same `invalid_grant`, and the code stays used up.
 * 4. The user must still exist and be enabled (docs/security.md 32).
 * 5. After the tokens are stored, a reuse that raced this redemption (and revoked the family
 *    before the tokens existed) is looked for, and the family revoked again: the rule that a
 *    reused code leaves no live token holds whatever the interleaving.
 *
 * Codes are minted by the authorization endpoint (authorization/authorization-code.issuer.ts).
 */
@Injectable()
export class AuthorizationCodeGrant implements Grant {
  private readonly logger = new Logger('SentinelAuthorizationCodeGrant');

  constructor(
    @Inject(AuthorizationCodeStore) private readonly codes: AuthorizationCodeStore,
    @Inject(UserStore) private readonly users: UserStore,
    @Inject(Clock) private readonly clock: Clock,
    private readonly issuer: TokenIssuerService,
    private readonly revocation: TokenRevocationService,
  ) {}

  async handle({ form, client }: GrantContext): Promise<TokenResponse> {
    const { code, code_verifier: verifier } = form;
    if (code === undefined) throw OAuthException.invalidRequest('Missing parameter: code');
    const codeDigest = digest(code);
    const redemption = await this.codes.redeem(codeDigest, new Date(this.clock.now()));
    if (redemption.outcome === 'unknown') throw OAuthException.invalidGrant(INVALID_CODE);
    if (redemption.outcome === 'reused') {
      this.logger.warn(
        `Authorization code reuse for client ${redemption.record.clientId}: ` +
          'revoking the tokens issued from it',
      );
      await this.revocation.revokeFamily(redemption.record.familyId);
      throw OAuthException.invalidGrant(INVALID_CODE);
    }
    const record = redemption.record;
    this.assertBound(record, client, form.redirect_uri, verifier);
    const user = await this.users.findById(record.userId);
    if (!user || user.disabled) throw OAuthException.invalidGrant(INVALID_CODE);

    const { response } = await this.issuer.issue({
      grantType: 'authorization_code',
      clientId: client.clientId,
      userId: user.id,
      scope: record.scope,
      withRefreshToken: client.grantTypes.includes('refresh_token'),
      familyId: record.familyId,
    });
    if (await this.codes.wasReused(codeDigest)) {
      await this.revocation.revokeFamily(record.familyId);
    }
    return response;
  }

  /** Steps 1 and 3: the code belongs to this client, this redirect URI and this verifier. */
  private assertBound(
    record: AuthorizationCodeRecord,
    client: SentinelClient,
    redirectUri: string | undefined,
    verifier: string | undefined,
  ): void {
    const redirectMatches =
      redirectUri === undefined ? !record.redirectUriGiven : redirectUri === record.redirectUri;
    if (record.clientId !== client.clientId || !redirectMatches) {
      throw OAuthException.invalidGrant(INVALID_CODE);
    }
    if (record.codeChallenge === null) {
      // Issued without PKCE (relaxed, confidential client): a verifier now is a downgrade
      // attempt (RFC 9700 §2.1.1, docs/security.md 24).
      if (verifier !== undefined) throw OAuthException.invalidGrant(INVALID_CODE);
      return;
    }
    if (verifier === undefined) {
      throw OAuthException.invalidRequest('Missing parameter: code_verifier');
    }
    if (!verifiesChallenge(verifier, record.codeChallenge)) {
      throw OAuthException.invalidGrant(INVALID_CODE);
    }
  }
}
