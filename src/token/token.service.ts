import { Inject, Injectable } from '@nestjs/common';
import type { RequestOrigin } from '../abuse/client-address.js';
import { OAuthException } from '../errors/oauth.exception.js';
import type { SentinelClient } from '../storage/client-store.js';
import { ClientAuthenticator } from './client-authenticator.js';
import { TOKEN_GRANTS, type Grant, type TokenForm, type TokenResponse } from './grants/grant.js';

/**
 * A grant that may also read where the request came from (the password grant counts attempts
 * per client address). Every {@link Grant} is one: the origin is simply ignored by those that
 * do not declare it.
 */
interface OriginAwareGrant extends Grant {
  handle(
    request: TokenForm,
    client: SentinelClient,
    origin?: RequestOrigin,
  ): Promise<TokenResponse>;
}

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
  private readonly grants: ReadonlyMap<string, OriginAwareGrant>;

  constructor(
    private readonly clientAuthenticator: ClientAuthenticator,
    @Inject(TOKEN_GRANTS) grants: Grant[],
  ) {
    this.grants = new Map<string, OriginAwareGrant>(
      grants.map((grant) => [grant.grantType, grant]),
    );
  }

  /**
   * @param form the flat form read by `TokenFormReader`.
   * @param authorization the raw `Authorization` header, if any.
   * @param origin where the request came from, for the brute-force limiter (ADR 0007).
   */
  async exchange(
    form: TokenForm,
    authorization: string | undefined,
    origin: RequestOrigin = {},
  ): Promise<TokenResponse> {
    const client = await this.clientAuthenticator.authenticate(form, authorization, origin);
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
    return grant.handle(form, client, origin);
  }
}
