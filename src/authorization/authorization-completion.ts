import { Inject, Injectable } from '@nestjs/common';
import type { OAuthException } from '../errors/oauth.exception.js';
import { AuthorizationCodeIssuer } from './authorization-code.issuer.js';
import { codeAnswerUrl, errorAnswerUrl } from './authorization-response.js';
import type { PendingAuthorization } from './pending-authorization.js';

/**
 * Finishing an authorization request is one call (DESIGN.md, step 3): a code is minted for the
 * user and the granted scope and the client's redirect URL returned — or the error's redirect
 * URL. The caller has already used the pending request up, so each request is answered once.
 */
@Injectable()
export class AuthorizationCompletion {
  constructor(@Inject(AuthorizationCodeIssuer) private readonly codes: AuthorizationCodeIssuer) {}

  /** @throws StorageUnavailableError when the code could not be stored. */
  async grant(request: PendingAuthorization, userId: string, scope: string): Promise<string> {
    const code = await this.codes.mint(request, userId, scope);
    return codeAnswerUrl(request, code);
  }

  refuse(request: PendingAuthorization, error: OAuthException): string {
    return errorAnswerUrl(request, error);
  }
}
