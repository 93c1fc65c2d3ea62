import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { BEARER_STRATEGY } from '../sentinel.constants.js';
import { AccessTokenVerifier } from './access-token.verifier.js';
import type { OAuthIdentity } from './oauth-identity.js';

/**
 * The passport strategy behind {@link OAuthGuard}, registered as {@link BEARER_STRATEGY}.
 * passport-http-bearer reads the token (RFC 6750 §2.1 header, §2.2 form body); the guard has
 * already refused query-string tokens and ambiguous requests (SECURITY.md 8), and renders every
 * failure itself, so the strategy's own challenges are never sent.
 */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, BEARER_STRATEGY) {
  constructor(@Inject(AccessTokenVerifier) private readonly verifier: AccessTokenVerifier) {
    super({ passReqToCallback: false });
  }

  /**
   * @returns the identity of a live token, or `false` (passport's "not authenticated").
   * @throws OAuthException 503 from the verifier, which passport hands to the guard as an error
   *   so that a storage fault never becomes a 401 (SECURITY.md 18).
   */
  async validate(token: string): Promise<OAuthIdentity | false> {
    return (await this.verifier.verify(token)) ?? false;
  }
}
