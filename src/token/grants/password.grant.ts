import { Inject, Injectable } from '@nestjs/common';
import { BruteForceLimiter } from '../../abuse/brute-force.limiter.js';
import { OAuthException } from '../../errors/oauth.exception.js';
import { UserStore } from '../../storage/user-store.js';
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
 * reveal nothing about users), then the brute-force limiter counts the attempt per username and
 * per client address — refusing it with 429 while either is locked out, the right password too
 * (docs/security.md 13, ADR 0007) — then the credentials (one bcrypt comparison; the store burns a
 * dummy hash for unknown users, docs/security.md 14), then the user's own scope limit. A success
 * resets the username's counter; a failure stays counted; a storage fault takes the attempt
 * back (the answer is 503, nothing was decided). Every user may hold many live
 * tokens: a new login never revokes another device's tokens. A refresh token is issued only
 * when the client also lists `refresh_token`.
 */
@Injectable()
export class PasswordGrant implements Grant {
  constructor(
    @Inject(UserStore) private readonly users: UserStore,
    private readonly issuer: TokenIssuerService,
    private readonly limiter: BruteForceLimiter,
  ) {}

  async handle({ form: request, client, origin }: GrantContext): Promise<TokenResponse> {
    const { username, password } = request;
    if (username === undefined) throw OAuthException.invalidRequest('Missing parameter: username');
    if (password === undefined) throw OAuthException.invalidRequest('Missing parameter: password');
    const requested = request.scope === undefined ? undefined : parseScope(request.scope);
    resolveScope(requested, { client: client.scope });

    const attempt = await this.limiter.beginPasswordAttempt(username, origin.address);
    let user;
    try {
      user = await this.users.verifyCredentials(username, password);
    } catch (error) {
      await attempt.abandoned();
      throw error;
    }
    if (!user || user.disabled) {
      attempt.failed();
      throw OAuthException.invalidGrant(INVALID_CREDENTIALS);
    }
    await attempt.succeeded();

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
