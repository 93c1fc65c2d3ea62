import { OAuthException } from '../errors/oauth.exception.js';

/**
 * An authorization request that cannot be answered at the client: its `client_id` or
 * `redirect_uri` is missing, unknown or not registered. It is shown to the person on an error
 * page and never redirected anywhere (RFC 6749 §4.1.2.1, docs/security.md 23: no open redirect).
 */
export class UnredirectableRequestError extends Error {
  constructor(
    readonly title: string,
    readonly detail: string,
    readonly status = 400,
  ) {
    super(`${title}: ${detail}`);
    this.name = 'UnredirectableRequestError';
  }
}

/**
 * An error answered at the client's redirect URI with `error`, `error_description`, `state`
 * and `iss` (RFC 6749 §4.1.2.1, RFC 9207).
 */
export class RedirectedError extends Error {
  constructor(
    readonly exception: OAuthException,
    readonly redirectUri: string,
    readonly state: string | null,
  ) {
    super(exception.description ?? exception.code);
    this.name = 'RedirectedError';
  }
}
