import { Injectable } from '@nestjs/common';
import { CountedPasswordCheck } from '../../abuse/counted-password-check.js';
import { OAuthException } from '../../errors/oauth.exception.js';
import { parseScope, resolveScope } from '../scope.js';
import { TokenIssuerService } from '../token-issuer.service.js';
import type { Grant, GrantContext, TokenResponse } from './grant.js';

/** The one description for an unknown user, a wrong password and a disabled user (docs/security.md 4). */
export const INVALID_CREDENTIALS = 'Invalid resource owner credentials';

/**
 * Resource Owner Password Credentials grant (RFC 6749 §4.3). Only for clients that list
 * `password` (checked by the token service; docs/security.md "The password grant").
 *
 * Order: parameters and the scope's syntax and client limit are checked first (cheap, and they
 * reveal nothing about users), then the credentials through {@link CountedPasswordCheck} (the
 * attempt counted first, 429 while locked out, the right password too; one bcrypt comparison,
 * a dummy hash for unknown users — docs/security.md 13, 14), then the user's own scope limit. Every user may hold many live
 * tokens: a new login never revokes another device's tokens. A refresh token is issued only
 * when the client also lists `refresh_token`.
 */
@Injectable()
export class PasswordGrant implements Grant {
  constructor(
    private readonly passwords: CountedPasswordCheck,
    private readonly issuer: TokenIssuerService,
  ) {}

  async handle({ form: request, client, origin }: GrantContext): Promise<TokenResponse> {
    const { username, password } = request;
    if (username === undefined) throw OAuthException.invalidRequest('Missing parameter: username');
    if (password === undefined) throw OAuthException.invalidRequest('Missing parameter: password');
    const requested = request.scope === undefined ? undefined : parseScope(request.scope);
    resolveScope(requested, { client: client.scope });

    const user = await this.passwords.verify(username, password, origin.address);
    if (user === null) throw OAuthException.invalidGrant(INVALID_CREDENTIALS);

    const scope = resolveScope(requested, { client: client.scope, user: user.scope });
    const { response } = await this.issuer.issue({
      grantType: 'password',
      clientId: client.clientId,
      userId: user.id,
      scope,
      withRefreshToken: client.grantTypes.includes('refresh_token'),
    });
    return response;
  }
}
