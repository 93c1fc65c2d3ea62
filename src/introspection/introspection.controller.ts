import {
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  HttpStatus,
  Patch,
  Post,
  Put,
  Req,
  type Type,
  UseFilters,
} from '@nestjs/common';
import { clientAddress } from '../abuse/client-address.js';
import { OAuthExceptionFilter } from '../errors/oauth-exception.filter.js';
import { OAuthException } from '../errors/oauth.exception.js';
import { ClientAuthenticator } from '../token/client-authenticator.js';
import { TOKEN_PARAMETER_QUERY_FORBIDDEN, TokenFormReader } from '../token/token-form.reader.js';
import { IntrospectionRateLimiter } from './introspection-rate-limiter.js';
import type { IntrospectionResponse } from './introspection-response.js';
import { IntrospectionService } from './introspection.service.js';

/**
 * The introspection endpoint (RFC 7662 §2), without a path: {@link createIntrospectionController}
 * mounts it. Read like a token request (POST, form-urlencoded, flat, no credentials or `token` in
 * the query; SECURITY.md 1, 2). Only confidential clients authenticate here (§2.1: the endpoint
 * MUST require authorization); a public client is 401 `invalid_client`. Each authenticated
 * request is counted by {@link IntrospectionRateLimiter} before the token is looked at.
 */
@UseFilters(OAuthExceptionFilter)
export class IntrospectionController {
  constructor(
    private readonly formReader: TokenFormReader,
    private readonly clientAuthenticator: ClientAuthenticator,
    private readonly limiter: IntrospectionRateLimiter,
    private readonly introspection: IntrospectionService,
  ) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  async introspect(@Req() request: unknown): Promise<IntrospectionResponse> {
    const form = await this.formReader.read(request, TOKEN_PARAMETER_QUERY_FORBIDDEN);
    const client = await this.clientAuthenticator.authenticateConfidential(
      form,
      this.getAuthorization(request),
      { address: clientAddress(request) },
    );
    await this.limiter.consume(client.clientId);
    return this.introspection.introspect(form, client);
  }

  @Get()
  get(): never {
    throw OAuthException.methodNotAllowed();
  }

  @Put()
  put(): never {
    throw OAuthException.methodNotAllowed();
  }

  @Patch()
  patch(): never {
    throw OAuthException.methodNotAllowed();
  }

  @Delete()
  delete(): never {
    throw OAuthException.methodNotAllowed();
  }

  /** The raw `Authorization` header (Express and Fastify both expose Node's lower-cased headers). */
  protected getAuthorization(request: unknown): string | undefined {
    const header = (request as { headers?: Record<string, unknown> }).headers?.authorization;
    return typeof header === 'string' ? header : undefined;
  }
}

/** A fresh {@link IntrospectionController} subclass mounted at `path` (e.g. `/oauth/introspect`). */
export function createIntrospectionController(path: string): Type<IntrospectionController> {
  @Controller(path)
  class SentinelIntrospectionController extends IntrospectionController {}
  return SentinelIntrospectionController;
}
