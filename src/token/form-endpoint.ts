import {
  Delete,
  Get,
  Header,
  HttpCode,
  HttpStatus,
  Patch,
  Post,
  Put,
  UseFilters,
  applyDecorators,
} from '@nestjs/common';
import { clientAddress } from '../abuse/client-address.js';
import { OAuthExceptionFilter } from '../errors/oauth-exception.filter.js';
import { OAuthException } from '../errors/oauth.exception.js';

/**
 * `POST` answered `200` and never stored by a cache: the token endpoint (RFC 6749 §5.1 requires
 * `Cache-Control: no-store` and `Pragma: no-cache`), and revocation and introspection, whose
 * answers carry token state just as much.
 */
export function FormPost(): MethodDecorator {
  return applyDecorators(
    Post(),
    HttpCode(HttpStatus.OK),
    Header('Cache-Control', 'no-store'),
    Header('Pragma', 'no-cache'),
  );
}

/**
 * Marks a {@link FormEndpoint} class: its errors are rendered as RFC 6749 §5.2 says
 * (`OAuthExceptionFilter`). Being a class decorator, it also makes TypeScript record the
 * constructor's parameter types, which Nest injects by.
 */
export function FormEndpointController(): ClassDecorator {
  return UseFilters(OAuthExceptionFilter);
}

/**
 * What the three form endpoints (token, revocation, introspection) share, without a path (the
 * module mounts each subclass where the options say, `mountController`; each subclass is a
 * {@link FormEndpointController}): `405` with `Allow: POST` for the other common methods — so they never fall through to another
 * route — and how the request's credentials and address are read.
 */
export abstract class FormEndpoint {
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

  /**
   * The client address the brute-force limiter counts by (ADR 0007): the platform's `ip`, so
   * proxies are trusted exactly as the host app configured them.
   */
  protected getClientAddress(request: unknown): string | undefined {
    return clientAddress(request);
  }
}
