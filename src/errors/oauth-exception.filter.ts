import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CacheUnavailableError } from '../cache/cache.errors.js';
import { errorUriOf } from '../options/error-uri-options.js';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import { SENTINEL_OPTIONS } from '../sentinel.constants.js';
import { StorageUnavailableError } from '../storage/storage.errors.js';
import { OAuthErrorCode } from './oauth-error-code.js';
import { OAuthException } from './oauth.exception.js';

/** Headers on every token endpoint response, errors included (RFC 6749 §5.1, docs/security.md 3). */
export const NO_STORE_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
};

/**
 * Renders every error of the OAuth endpoints as RFC 6749 §5.2 JSON with `no-store`, on Express
 * and Fastify alike (through the HTTP adapter). Apply with `@UseFilters(OAuthExceptionFilter)`.
 *
 * - {@link OAuthException}: its status, its headers (`WWW-Authenticate`, `Allow`,
 *   `Retry-After`), its body with `error_uri` when the options set one;
 * - {@link StorageUnavailableError}, {@link CacheUnavailableError} (only writes that matter let
 *   it escape): 503 `temporarily_unavailable` with `Retry-After` (docs/security.md 18);
 * - another `HttpException` below 500 (e.g. from a host's global guard): its status with
 *   `invalid_request`, so a host's 4xx is not turned into a 500;
 * - anything else: 500 `{"error":"server_error"}`, no stack in the body. It is logged with its
 *   stack but never with the request's body or headers (docs/security.md 22).
 */
@Catch()
@Injectable()
export class OAuthExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('SentinelOAuth');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(SENTINEL_OPTIONS) private readonly options: ResolvedSentinelOptions,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response: unknown = host.switchToHttp().getResponse();
    const { httpAdapter } = this.adapterHost;
    if (httpAdapter.isHeadersSent(response)) {
      this.log(exception);
      return;
    }
    const { status, headers, body } = this.render(exception);
    for (const [name, value] of Object.entries({ ...headers, ...NO_STORE_HEADERS })) {
      httpAdapter.setHeader(response, name, value);
    }
    httpAdapter.reply(response, body, status);
  }

  /** Maps an exception to status, headers and body. Protected so a subclass can extend it. */
  protected render(exception: unknown): {
    status: number;
    headers: Readonly<Record<string, string>>;
    body: object;
  } {
    const oauth = this.toOAuthException(exception);
    if (oauth) {
      return {
        status: oauth.getStatus(),
        headers: oauth.headers,
        body: oauth.toBody(errorUriOf(this.options, oauth.code)),
      };
    }
    this.log(exception);
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      headers: {},
      body: { error: OAuthErrorCode.ServerError },
    };
  }

  protected toOAuthException(exception: unknown): OAuthException | undefined {
    if (exception instanceof OAuthException) return exception;
    if (
      exception instanceof StorageUnavailableError ||
      exception instanceof CacheUnavailableError
    ) {
      this.logger.warn(`${exception.name}: answering 503 temporarily_unavailable`);
      return OAuthException.temporarilyUnavailable();
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      return new OAuthException(OAuthErrorCode.InvalidRequest, undefined, exception.getStatus());
    }
    return undefined;
  }

  private log(exception: unknown): void {
    if (exception instanceof Error) {
      this.logger.error(`${exception.name}: ${exception.message}`, exception.stack);
    } else {
      this.logger.error('Non-error value thrown');
    }
  }
}
