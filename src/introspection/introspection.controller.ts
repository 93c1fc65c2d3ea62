import { Req } from '@nestjs/common';
import { ClientAuthenticator } from '../token/client-authenticator.js';
import { FormEndpoint, FormEndpointController, FormPost } from '../token/form-endpoint.js';
import { TOKEN_PARAMETER_QUERY_FORBIDDEN, TokenFormReader } from '../token/token-form.reader.js';
import { IntrospectionRateLimiter } from './introspection-rate-limiter.js';
import type { IntrospectionResponse } from './introspection-response.js';
import { IntrospectionService } from './introspection.service.js';

/**
 * The introspection endpoint (RFC 7662 §2), without a path: the module mounts it
 * (`mountController`). Read like a token request (POST, form-urlencoded, flat, no credentials or
 * `token` in the query; docs/security.md 1, 2). Only confidential clients authenticate here
 * (§2.1: the endpoint MUST require authorization); a public client is 401 `invalid_client`. Each
 * authenticated request is counted by {@link IntrospectionRateLimiter} before the token is
 * looked at.
 */
@FormEndpointController()
export class IntrospectionController extends FormEndpoint {
  constructor(
    private readonly formReader: TokenFormReader,
    private readonly clientAuthenticator: ClientAuthenticator,
    private readonly limiter: IntrospectionRateLimiter,
    private readonly introspection: IntrospectionService,
  ) {
    super();
  }

  @FormPost()
  async introspect(@Req() request: unknown): Promise<IntrospectionResponse> {
    const form = await this.formReader.read(request, TOKEN_PARAMETER_QUERY_FORBIDDEN);
    const client = await this.clientAuthenticator.authenticateConfidential(
      form,
      this.getAuthorization(request),
      { address: this.getClientAddress(request) },
    );
    await this.limiter.consume(client.clientId);
    return this.introspection.introspect(form, client);
  }
}
