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
import { RevocationEndpointService } from './revocation-endpoint.service.js';

/**
 * The revocation endpoint (RFC 7009 §2), without a path: {@link createRevocationController}
 * mounts it. The request is read like a token request (POST, form-urlencoded, flat, no
 * credentials or `token` in the query; SECURITY.md 1, 2) and the client authenticates as at the
 * token endpoint — public clients by `client_id`, so an app can revoke its own tokens at logout.
 * Success is 200 with an empty body (§2.2); errors are RFC 6749 §5.2 JSON.
 */
@UseFilters(OAuthExceptionFilter)
export class RevocationController {
  constructor(
    private readonly formReader: TokenFormReader,
    private readonly clientAuthenticator: ClientAuthenticator,
    private readonly revocation: RevocationEndpointService,
  ) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  async revoke(@Req() request: unknown): Promise<void> {
    const form = await this.formReader.read(request, TOKEN_PARAMETER_QUERY_FORBIDDEN);
    const client = await this.clientAuthenticator.authenticate(
      form,
      this.getAuthorization(request),
      { address: clientAddress(request) },
    );
    await this.revocation.revoke(form, client);
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

/** A fresh {@link RevocationController} subclass mounted at `path` (e.g. `/oauth/revoke`). */
export function createRevocationController(path: string): Type<RevocationController> {
  @Controller(path)
  class SentinelRevocationController extends RevocationController {}
  return SentinelRevocationController;
}
