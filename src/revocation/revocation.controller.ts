import { Req } from '@nestjs/common';
import { ClientAuthenticator } from '../token/client-authenticator.js';
import { FormEndpoint, FormEndpointController, FormPost } from '../token/form-endpoint.js';
import { TOKEN_PARAMETER_QUERY_FORBIDDEN, TokenFormReader } from '../token/token-form.reader.js';
import { RevocationEndpointService } from './revocation-endpoint.service.js';

/**
 * The revocation endpoint (RFC 7009 §2), without a path: the module mounts it
 * (`mountController`). The request is read like a token request (POST, form-urlencoded, flat, no
 * credentials or `token` in the query; docs/security.md 1, 2) and the client authenticates as at
 * the token endpoint — public clients by `client_id`, so an app can revoke its own tokens at
 * logout. Success is 200 with the JSON body `{}`: §2.2 says the client ignores the body, and
 * clients such as simple-oauth2 require every response to be JSON. Errors are RFC 6749 §5.2 JSON.
 */
@FormEndpointController()
export class RevocationController extends FormEndpoint {
  constructor(
    private readonly formReader: TokenFormReader,
    private readonly clientAuthenticator: ClientAuthenticator,
    private readonly revocation: RevocationEndpointService,
  ) {
    super();
  }

  @FormPost()
  async revoke(@Req() request: unknown): Promise<Record<string, never>> {
    const form = await this.formReader.read(request, TOKEN_PARAMETER_QUERY_FORBIDDEN);
    const client = await this.clientAuthenticator.authenticate(
      form,
      this.getAuthorization(request),
      { address: this.getClientAddress(request) },
    );
    await this.revocation.revoke(form, client);
    return {};
  }
}
