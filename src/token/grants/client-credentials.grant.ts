import { Injectable } from '@nestjs/common';
import { OAuthException } from '../../errors/oauth.exception.js';
import { parseScope, resolveScope } from '../scope.js';
import { TokenIssuerService } from '../token-issuer.service.js';
import type { Grant, GrantContext, TokenResponse } from './grant.js';

/**
 * Client Credentials grant (RFC 6749 §4.4): a backend service gets a token for itself, with no
 * user. Only for confidential clients that list `client_credentials` (docs/security.md 7); the token
 * service has already authenticated the client with its secret and checked the list.
 *
 * - A public client never gets here in practice (the client stores refuse to give it the
 *   grant); should one, it is `unauthorized_client`: §4.4 requires a client that can
 *   authenticate, and a public client's `client_id` is not authentication.
 * - The scope stays within the client's allowed scope; omitted, the whole allowed scope.
 * - No refresh token (§4.4.3: it SHOULD NOT be included): the client can ask again.
 * - The token's `userId` is `null`, so the guard hands routes an identity without a user.
 */
@Injectable()
export class ClientCredentialsGrant implements Grant {
  constructor(private readonly issuer: TokenIssuerService) {}

  async handle({ form: request, client }: GrantContext): Promise<TokenResponse> {
    if (client.clientType !== 'confidential') {
      throw OAuthException.unauthorizedClient(
        'Only confidential clients may use the client_credentials grant',
      );
    }
    const requested = request.scope === undefined ? undefined : parseScope(request.scope);
    const scope = resolveScope(requested, { client: client.scope });
    const { response } = await this.issuer.issue({
      grantType: 'client_credentials',
      clientId: client.clientId,
      userId: null,
      scope,
      withRefreshToken: false,
    });
    return response;
  }
}
