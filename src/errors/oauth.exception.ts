import { HttpException, HttpStatus } from '@nestjs/common';
import { OAuthErrorCode } from './oauth-error-code.js';

/**
 * JSON body of an OAuth error response (RFC 6749 §5.2).
 * @publicApi
 */
export interface OAuthErrorBody {
  error: OAuthErrorCode;
  error_description?: string;
  error_uri?: string;
}

/**
 * The one exception the module throws for protocol errors: an RFC error code, its HTTP status,
 * and the response headers the RFC asks for (e.g. `WWW-Authenticate`). Descriptions are fixed
 * strings written here or by callers; they never echo a password, token or secret.
 * @publicApi
 */
export class OAuthException extends HttpException {
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string | undefined,
    status: number,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(description ? { error: code, error_description: description } : { error: code }, status);
  }

  /** The RFC body, with `error_uri` when the module is configured with one. */
  toBody(errorUri?: string): OAuthErrorBody {
    const body: OAuthErrorBody = { error: this.code };
    if (this.description) body.error_description = this.description;
    if (errorUri) body.error_uri = errorUri;
    return body;
  }

  withHeaders(headers: Record<string, string>): OAuthException {
    return new OAuthException(this.code, this.description, this.getStatus(), {
      ...this.headers,
      ...headers,
    });
  }

  static invalidRequest(description: string): OAuthException {
    return new OAuthException(OAuthErrorCode.InvalidRequest, description, HttpStatus.BAD_REQUEST);
  }

  /** 401; `basicRealm` adds `WWW-Authenticate: Basic` when the client used the header (§5.2). */
  static invalidClient(description: string, basicRealm?: string): OAuthException {
    const headers: Record<string, string> = basicRealm
      ? { 'WWW-Authenticate': `Basic realm="${basicRealm}", charset="UTF-8"` }
      : {};
    return new OAuthException(
      OAuthErrorCode.InvalidClient,
      description,
      HttpStatus.UNAUTHORIZED,
      headers,
    );
  }

  static invalidGrant(description: string): OAuthException {
    return new OAuthException(OAuthErrorCode.InvalidGrant, description, HttpStatus.BAD_REQUEST);
  }

  static unauthorizedClient(description: string): OAuthException {
    return new OAuthException(
      OAuthErrorCode.UnauthorizedClient,
      description,
      HttpStatus.BAD_REQUEST,
    );
  }

  static unsupportedGrantType(description: string): OAuthException {
    return new OAuthException(
      OAuthErrorCode.UnsupportedGrantType,
      description,
      HttpStatus.BAD_REQUEST,
    );
  }

  static invalidScope(description: string): OAuthException {
    return new OAuthException(OAuthErrorCode.InvalidScope, description, HttpStatus.BAD_REQUEST);
  }

  /** RFC 6749 §4.1.2.1: the person (or the server on their behalf) said no. */
  static accessDenied(description: string): OAuthException {
    return new OAuthException(OAuthErrorCode.AccessDenied, description, HttpStatus.FORBIDDEN);
  }

  /** RFC 6749 §4.1.2.1: only `response_type=code` is offered (RFC 9700 §2.1.2: no implicit). */
  static unsupportedResponseType(description: string): OAuthException {
    return new OAuthException(
      OAuthErrorCode.UnsupportedResponseType,
      description,
      HttpStatus.BAD_REQUEST,
    );
  }

  /** RFC 8628 §3.5: the person has not decided yet; poll again after the interval. */
  static authorizationPending(): OAuthException {
    return new OAuthException(
      OAuthErrorCode.AuthorizationPending,
      'The user has not approved or denied the request yet',
      HttpStatus.BAD_REQUEST,
    );
  }

  /** RFC 8628 §3.5: polled sooner than the interval; the interval grew by 5 seconds. */
  static slowDown(interval: number): OAuthException {
    return new OAuthException(
      OAuthErrorCode.SlowDown,
      `Polling too fast: wait ${interval} seconds between requests`,
      HttpStatus.BAD_REQUEST,
    );
  }

  /** RFC 8628 §3.5: the device code expired; the device must start again. */
  static expiredToken(): OAuthException {
    return new OAuthException(
      OAuthErrorCode.ExpiredToken,
      'The device code has expired',
      HttpStatus.BAD_REQUEST,
    );
  }

  /** `prompt=none` and nobody is signed in (OpenID Connect Core §3.1.2.6). */
  static loginRequired(description: string): OAuthException {
    return new OAuthException(OAuthErrorCode.LoginRequired, description, HttpStatus.BAD_REQUEST);
  }

  /** `prompt=none` and the request needs the person's consent (OpenID Connect Core §3.1.2.6). */
  static consentRequired(description: string): OAuthException {
    return new OAuthException(OAuthErrorCode.ConsentRequired, description, HttpStatus.BAD_REQUEST);
  }

  /**
   * 405 `invalid_request` with `Allow: POST`: the token endpoint accepts POST only
   * (RFC 6749 §3.2, docs/security.md 1). No token is issued.
   */
  static methodNotAllowed(allow = 'POST'): OAuthException {
    return new OAuthException(
      OAuthErrorCode.InvalidRequest,
      `The endpoint accepts ${allow} only`,
      HttpStatus.METHOD_NOT_ALLOWED,
      { Allow: allow },
    );
  }

  /** 413 `invalid_request`: the request body is over the cap, refused before any hashing (docs/security.md 2). */
  static payloadTooLarge(limitBytes: number): OAuthException {
    return new OAuthException(
      OAuthErrorCode.InvalidRequest,
      `The request body exceeds ${limitBytes} bytes`,
      HttpStatus.PAYLOAD_TOO_LARGE,
    );
  }

  /** 503 with `Retry-After` (docs/security.md 18): storage is down, nothing was issued or decided. */
  static temporarilyUnavailable(retryAfterSeconds = 5): OAuthException {
    return new OAuthException(
      OAuthErrorCode.TemporarilyUnavailable,
      'The authorization server is temporarily unavailable, try again later',
      HttpStatus.SERVICE_UNAVAILABLE,
      { 'Retry-After': String(retryAfterSeconds) },
    );
  }
}
