import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../clock.js';
import { digest } from '../crypto/digest.js';
import { generateToken } from '../crypto/token-generator.js';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import { SENTINEL_OPTIONS } from '../sentinel.constants.js';
import { AuthorizationCodeStore } from '../storage/authorization-code-store.js';
import type { PendingAuthorization } from './pending-authorization.js';

/**
 * Mints authorization codes (RFC 6749 §4.1.2, docs/security.md 25): 256 bits from the CSPRNG,
 * stored as a SHA-256 digest, living `authorizationCode.codeTtl` seconds (default 60), bound to
 * the client, the redirect URI, the user, the granted scope and the PKCE challenge, with the
 * token family its tokens will share (so a second redemption can revoke them).
 */
@Injectable()
export class AuthorizationCodeIssuer {
  constructor(
    @Inject(AuthorizationCodeStore) private readonly codes: AuthorizationCodeStore,
    @Inject(SENTINEL_OPTIONS) private readonly options: ResolvedSentinelOptions,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /**
   * @returns the code, for the redirect; only its digest is stored.
   * @throws StorageUnavailableError when it could not be stored (no code was issued).
   */
  async mint(request: PendingAuthorization, userId: string, scope: string): Promise<string> {
    const code = generateToken();
    const now = this.clock.now();
    await this.codes.insert({
      codeDigest: digest(code),
      clientId: request.clientId,
      userId,
      redirectUri: request.redirectUri,
      redirectUriGiven: request.redirectUriGiven,
      scope,
      codeChallenge: request.codeChallenge,
      familyId: generateToken(),
      issuedAt: new Date(now),
      expiresAt: new Date(now + this.options.authorizationCode.codeTtl * 1000),
    });
    return code;
  }
}
