import { Req } from '@nestjs/common';
import { FormEndpoint, FormEndpointController, FormPost } from './form-endpoint.js';
import type { TokenResponse } from './grants/grant.js';
import { TokenFormReader } from './token-form.reader.js';
import { TokenService } from './token.service.js';

/**
 * The token endpoint (RFC 6749 §3.2), without a path: the module mounts it where the options
 * say (`mountController`). POST only (see {@link FormEndpoint}).
 */
@FormEndpointController()
export class TokenController extends FormEndpoint {
  constructor(
    private readonly formReader: TokenFormReader,
    private readonly tokenService: TokenService,
  ) {
    super();
  }

  @FormPost()
  async token(@Req() request: unknown): Promise<TokenResponse> {
    const form = await this.formReader.read(request);
    return this.tokenService.exchange(
      form,
      this.getAuthorization(request),
      { address: this.getClientAddress(request) },
      request,
    );
  }
}
