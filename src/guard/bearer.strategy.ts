import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-http-bearer';
import { BEARER_STRATEGY } from '../sentinel.constants.js';
import { AccessTokenVerifier } from './access-token.verifier.js';
import type { OAuthIdentity } from './oauth-identity.js';

/**
 * The passport strategy for {@link BEARER_STRATEGY}, for hosts that use
 * `AuthGuard('sentinel-bearer')` themselves: passport-http-bearer reads the token (RFC 6750 §2.1
 * header, §2.2 form body) and the app's {@link AccessTokenVerifier} checks it. {@link OAuthGuard}
 * reads the token the same way but calls its verifier directly, without passport's per-request
 * machinery on the hot path.
 */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, BEARER_STRATEGY) {
  constructor(@Inject(AccessTokenVerifier) private readonly verifier: AccessTokenVerifier) {
    super({ passReqToCallback: true });
  }

  /**
   * @returns the identity of a live token, or `false` (passport's "not authenticated").
   * @throws OAuthException 503 from the verifier, which passport hands to the guard as an error
   *   so that a storage fault never becomes a 401 (docs/security.md 18).
   */
  async validate(_request: object, token: string): Promise<OAuthIdentity | false> {
    return (await this.verifier.verify(token)) ?? false;
  }
}
