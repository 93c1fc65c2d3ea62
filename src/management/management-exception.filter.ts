import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Injectable,
  Logger,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CacheUnavailableError } from '../cache/cache.errors.js';
import { OAuthException } from '../errors/oauth.exception.js';
import {
  ConflictError,
  InvalidInputError,
  StorageUnavailableError,
} from '../storage/storage.errors.js';
import { ManagementException, type ManagementErrorCode } from './management.errors.js';

/** Headers on every management response, errors included. */
export const MANAGEMENT_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

const CODES_BY_STATUS: Readonly<Record<number, ManagementErrorCode>> = {
  400: 'invalid_input',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

/**
 * Renders every error of the management API as JSON `{error, message, field?}` with
 * `Cache-Control: no-store`, on Express and Fastify alike:
 *
 * - {@link ManagementException}: as built (401 with `WWW-Authenticate`, 429 with `Retry-After` …);
 * - {@link ConflictError} → 409 and {@link InvalidInputError} → 400, naming the field in the
 *   API's spelling (`grantTypes` → `grant_types`);
 * - {@link StorageUnavailableError}, {@link CacheUnavailableError}, or the revocation service's
 *   503 → 503 `temporarily_unavailable` with `Retry-After`;
 * - another `HttpException` below 500 → its status;
 * - anything else → 500 `server_error` without a stack; logged without the request.
 */
@Catch()
@Injectable()
export class ManagementExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('SentinelManagement');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response: unknown = host.switchToHttp().getResponse();
    const { httpAdapter } = this.adapterHost;
    if (httpAdapter.isHeadersSent(response)) {
      this.log(exception);
      return;
    }
    const rendered = this.toManagementException(exception);
    const headers = { ...rendered.headers, ...MANAGEMENT_RESPONSE_HEADERS };
    for (const [name, value] of Object.entries(headers)) {
      httpAdapter.setHeader(response, name, value);
    }
    httpAdapter.reply(response, rendered.body, rendered.getStatus());
  }

  /** Maps any exception to the management error it is rendered as. Protected for subclasses. */
  protected toManagementException(exception: unknown): ManagementException {
    if (exception instanceof ManagementException) return exception;
    if (exception instanceof ConflictError) {
      const field = apiField(exception.field);
      return new ManagementException(HttpStatus.CONFLICT, {
        error: 'conflict',
        message: `${field} already exists`,
        field,
      });
    }
    if (exception instanceof InvalidInputError) {
      const field = apiField(exception.field);
      return ManagementException.invalidField(
        field,
        exception.message.replace(exception.field, field),
      );
    }
    if (
      exception instanceof StorageUnavailableError ||
      exception instanceof CacheUnavailableError ||
      (exception instanceof OAuthException &&
        exception.getStatus() === HttpStatus.SERVICE_UNAVAILABLE)
    ) {
      this.logger.warn('Storage or cache unavailable: answering 503');
      return ManagementException.temporarilyUnavailable();
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const status = exception.getStatus();
      return new ManagementException(status, {
        error: CODES_BY_STATUS[status] ?? 'invalid_input',
        message: exception.message,
      });
    }
    this.log(exception);
    return new ManagementException(HttpStatus.INTERNAL_SERVER_ERROR, {
      error: 'server_error',
      message: 'Internal server error',
    });
  }

  private log(exception: unknown): void {
    if (exception instanceof Error) {
      this.logger.error(`${exception.name}: ${exception.message}`, exception.stack);
    } else {
      this.logger.error('Non-error value thrown');
    }
  }
}

/** A store's field name in the API's spelling: `grantTypes` → `grant_types`. */
export function apiField(storeField: string): string {
  return storeField.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
