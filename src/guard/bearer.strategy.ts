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
   * Passport keeps one strategy per name for the whole process, so with two Nest apps in one
   * process the last one created would answer for both. A guard of the host can therefore hand
   * each request the verifier of its own app ({@link attachVerifier}); this instance's is the
   * fallback.
   *
   * @returns the identity of a live token, or `false` (passport's "not authenticated").
   * @throws OAuthException 503 from the verifier, which passport hands to the guard as an error
   *   so that a storage fault never becomes a 401 (SECURITY.md 18).
   */
  async validate(request: object, token: string): Promise<OAuthIdentity | false> {
    const verifier = (request as VerifierCarrier)[REQUEST_VERIFIER] ?? this.verifier;
    return (await verifier.verify(token)) ?? false;
  }
}

const REQUEST_VERIFIER = Symbol('SENTINEL:RequestVerifier');

interface VerifierCarrier {
  [REQUEST_VERIFIER]?: AccessTokenVerifier;
}

/** Tells the strategy which app's verifier checks this request (see {@link BearerStrategy}). */
export function attachVerifier(request: object, verifier: AccessTokenVerifier): void {
  (request as VerifierCarrier)[REQUEST_VERIFIER] = verifier;
}
