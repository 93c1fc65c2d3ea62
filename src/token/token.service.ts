import { Inject, Injectable } from '@nestjs/common';
import { OAuthException } from '../errors/oauth.exception.js';
import { ClientAuthenticator } from './client-authenticator.js';
import { TOKEN_GRANTS, type Grant, type TokenForm, type TokenResponse } from './grants/grant.js';

/**
 * The token endpoint's decision flow (RFC 6749 §3.2): authenticate the client first — so an
 * unauthenticated caller learns nothing else — then dispatch on `grant_type`.
 *
 * - `grant_type` missing → 400 `invalid_request`; not one this server implements → 400
 *   `unsupported_grant_type`;
 * - a grant type the client does not list → 400 `unauthorized_client` (grants are allowed per
 *   client; SECURITY.md "stance on the password grant").
 */
@Injectable()
export class TokenService {
  private readonly grants: ReadonlyMap<string, Grant>;

  constructor(
    private readonly clientAuthenticator: ClientAuthenticator,
    @Inject(TOKEN_GRANTS) grants: Grant[],
  ) {
    this.grants = new Map(grants.map((grant) => [grant.grantType, grant]));
  }

  /**
   * @param form the flat form read by `TokenFormReader`.
   * @param authorization the raw `Authorization` header, if any.
   */
  async exchange(form: TokenForm, authorization: string | undefined): Promise<TokenResponse> {
    const client = await this.clientAuthenticator.authenticate(form, authorization);
    const grantType = form.grant_type;
    if (grantType === undefined)
      throw OAuthException.invalidRequest('Missing parameter: grant_type');
    const grant = this.grants.get(grantType);
    if (!grant) {
      throw OAuthException.unsupportedGrantType('The grant type is not supported');
    }
    if (!client.grantTypes.includes(grant.grantType)) {
      throw OAuthException.unauthorizedClient('The client may not use this grant type');
    }
    return grant.handle(form, client);
  }
}
