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
import { OAuthExceptionFilter } from '../errors/oauth-exception.filter.js';
import { clientAddress } from '../abuse/client-address.js';
import { OAuthException } from '../errors/oauth.exception.js';
import type { TokenResponse } from './grants/grant.js';
import { TokenFormReader } from './token-form.reader.js';
import { TokenService } from './token.service.js';

/**
 * The token endpoint (RFC 6749 §3.2), without a path: {@link createTokenController} mounts it
 * where the options say. POST only; the other common methods are answered 405 with
 * `Allow: POST` by explicit handlers, so they never fall through to another route.
 */
@UseFilters(OAuthExceptionFilter)
export class TokenController {
  constructor(
    private readonly formReader: TokenFormReader,
    private readonly tokenService: TokenService,
  ) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  async token(@Req() request: unknown): Promise<TokenResponse> {
    const form = await this.formReader.read(request);
    return this.tokenService.exchange(
      form,
      this.getAuthorization(request),
      { address: this.getClientAddress(request) },
      request,
    );
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

  /**
   * The client address the brute-force limiter counts password attempts by (ADR 0007): the
   * platform's `ip`, so proxies are trusted exactly as the host app configured them.
   */
  protected getClientAddress(request: unknown): string | undefined {
    return clientAddress(request);
  }

  /** The raw `Authorization` header (Express and Fastify both expose Node's lower-cased headers). */
  protected getAuthorization(request: unknown): string | undefined {
    const header = (request as { headers?: Record<string, unknown> }).headers?.authorization;
    return typeof header === 'string' ? header : undefined;
  }
}

/**
 * A fresh {@link TokenController} subclass mounted at `path` (e.g. `/oauth/token`). Paths come
 * from the options, which are known when the module is defined, not when decorators run.
 */
export function createTokenController(path: string): Type<TokenController> {
  @Controller(path)
  class SentinelTokenController extends TokenController {}
  return SentinelTokenController;
}
