import { HttpException, HttpStatus } from '@nestjs/common';

/** Machine-readable `error` codes of management responses. */
export type ManagementErrorCode =
  | 'invalid_input'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'users_not_managed'
  | 'method_not_allowed'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'too_many_requests'
  | 'server_error'
  | 'temporarily_unavailable';

/** One rejected input field. Field names are the API's (snake_case), e.g. `grant_types`. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * JSON body of every management error: `{error, message, field?, errors?}`. `field` names the
 * first offending input field; `errors` lists all of them when validation found several.
 */
export interface ManagementErrorBody {
  error: ManagementErrorCode;
  message: string;
  field?: string;
  errors?: FieldError[];
}

/**
 * An error the management API answers with: status, body and extra headers
 * (`WWW-Authenticate`, `Retry-After`). Messages are fixed strings or validation messages; they
 * never quote a password, secret or token.
 */
export class ManagementException extends HttpException {
  constructor(
    status: number,
    readonly body: ManagementErrorBody,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(body, status);
  }

  static invalidInput(errors: FieldError[]): ManagementException {
    const [first] = errors;
    return new ManagementException(HttpStatus.BAD_REQUEST, {
      error: 'invalid_input',
      message: first?.message ?? 'The request is invalid',
      field: first?.field,
      errors,
    });
  }

  static invalidField(field: string, message: string): ManagementException {
    return ManagementException.invalidInput([{ field, message }]);
  }

  static unauthorized(realm: string): ManagementException {
    return new ManagementException(
      HttpStatus.UNAUTHORIZED,
      { error: 'unauthorized', message: 'Management requires valid credentials (HTTP Basic)' },
      { 'WWW-Authenticate': `Basic realm="${realm}", charset="UTF-8"` },
    );
  }

  static tooManyRequests(retryAfterSeconds: number): ManagementException {
    return new ManagementException(
      HttpStatus.TOO_MANY_REQUESTS,
      {
        error: 'too_many_requests',
        message: 'Too many failed sign-in attempts, try again later',
      },
      { 'Retry-After': String(retryAfterSeconds) },
    );
  }

  static forbidden(message: string): ManagementException {
    return new ManagementException(HttpStatus.FORBIDDEN, { error: 'forbidden', message });
  }

  static notFound(message: string): ManagementException {
    return new ManagementException(HttpStatus.NOT_FOUND, { error: 'not_found', message });
  }

  static usersNotManaged(): ManagementException {
    return new ManagementException(HttpStatus.NOT_FOUND, {
      error: 'users_not_managed',
      message:
        'Users are not managed here: the application brings its own user store (the userStore ' +
        'option). Manage users in that application; clients and tokens are managed here.',
    });
  }

  static unsupportedMediaType(): ManagementException {
    return new ManagementException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, {
      error: 'unsupported_media_type',
      message: 'Content-Type must be application/json',
    });
  }

  static temporarilyUnavailable(retryAfterSeconds = 5): ManagementException {
    return new ManagementException(
      HttpStatus.SERVICE_UNAVAILABLE,
      {
        error: 'temporarily_unavailable',
        message: 'Storage is temporarily unavailable, try again later',
      },
      { 'Retry-After': String(retryAfterSeconds) },
    );
  }
}
