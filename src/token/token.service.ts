import { Inject, Injectable } from '@nestjs/common';
import type { RequestOrigin } from '../abuse/client-address.js';
import { OAuthException } from '../errors/oauth.exception.js';
import { ClientAuthenticator } from './client-authenticator.js';
import type { Grant, TokenForm, TokenResponse } from './grants/grant.js';
import { DeviceCodeGrant } from './grants/device-code.grant.js';
import { TOKEN_GRANTS } from './grants/grant-providers.js';
import { DEVICE_CODE_GRANT_TYPE } from '../device/device-grant-type.js';

/**
 * The token endpoint's decision flow (RFC 6749 §3.2): authenticate the client first — so an
 * unauthenticated caller learns nothing else — then dispatch on `grant_type` through the grant
 * registry (built-in grants and the host's own).
 *
 * - `grant_type` missing → 400 `invalid_request`; not one this server implements → 400
 *   `unsupported_grant_type`;
 * - a grant type the client does not list → 400 `unauthorized_client` (grants are allowed per
 *   client; docs/security.md "The password grant").
 *
 * One exception to "client first": a public client's poll of a pending device code is answered
 * from the code's record, without the client lookup, so polling touches Redis only
 * ({@link DeviceCodeGrant.answerPendingPoll}, ADR 0022). Any other device poll, and any poll
 * with an `Authorization` header, takes the normal path.
 */
@Injectable()
export class TokenService {
  constructor(
    private readonly clientAuthenticator: ClientAuthenticator,
    @Inject(TOKEN_GRANTS) private readonly grants: ReadonlyMap<string, Grant>,
  ) {}

  /**
   * @param form the flat form read by `TokenFormReader`.
   * @param authorization the raw `Authorization` header, if any.
   * @param origin where the request came from, for the brute-force limiter (ADR 0007).
   * @param request the platform's raw request, handed to the grant.
   */
  async exchange(
    form: TokenForm,
    authorization: string | undefined,
    origin: RequestOrigin = {},
    request: unknown = undefined,
  ): Promise<TokenResponse> {
    if (form.grant_type === DEVICE_CODE_GRANT_TYPE && authorization === undefined) {
      const grant = this.grants.get(DEVICE_CODE_GRANT_TYPE);
      const pending = grant instanceof DeviceCodeGrant ? await grant.answerPendingPoll(form) : null;
      if (pending !== null) throw pending;
    }
    const client = await this.clientAuthenticator.authenticate(form, authorization, origin);
    const grantType = form.grant_type;
    if (grantType === undefined)
      throw OAuthException.invalidRequest('Missing parameter: grant_type');
    const grant = this.grants.get(grantType);
    if (!grant) {
      throw OAuthException.unsupportedGrantType('The grant type is not supported');
    }
    if (!client.grantTypes.includes(grantType)) {
      throw OAuthException.unauthorizedClient('The client may not use this grant type');
    }
    return grant.handle({ form, client, origin, request });
  }
}
