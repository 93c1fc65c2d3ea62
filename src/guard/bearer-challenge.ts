import { HttpStatus, UnauthorizedException } from '@nestjs/common';
import { OAuthErrorCode } from '../errors/oauth-error-code.js';
import { OAuthException, type OAuthErrorBody } from '../errors/oauth.exception.js';

/**
 * JSON body of a 400/401/403 from the guard: RFC 6749 §5.2 members plus the required `scope`.
 * @publicApi
 */
export type BearerErrorBody = OAuthErrorBody & { scope?: string };

/**
 * An RFC 6750 §3.1 error (`invalid_request`, `invalid_token`, `insufficient_scope`): the
 * `WWW-Authenticate` challenge in {@link OAuthException.headers} and a JSON body.
 * @publicApi
 */
export class BearerTokenException extends OAuthException {
  constructor(
    code: OAuthErrorCode,
    description: string,
    status: number,
    headers: Readonly<Record<string, string>>,
    private readonly body: BearerErrorBody,
  ) {
    super(code, description, status, headers);
  }

  override getResponse(): BearerErrorBody {
    return this.body;
  }

  override toBody(): BearerErrorBody {
    return this.body;
  }
}

/**
 * 401 to a request that carries no bearer token (RFC 6750 §3.1): the challenge names the realm
 * only, and the body has a description but no error code. Not an {@link OAuthException}: there
 * is no OAuth error to report.
 * @publicApi
 */
export class BearerChallengeException extends UnauthorizedException {
  constructor(readonly headers: Readonly<Record<string, string>>) {
    super({ error_description: 'This resource requires a Bearer access token' });
  }
}

const INVALID_TOKEN = 'The access token is invalid, expired or revoked';
const INSUFFICIENT_SCOPE = 'The access token lacks a scope this resource requires';

/**
 * Builds the guard's RFC 6750 §3 errors for one realm; the fixed parts are computed once.
 * Attribute order: `realm`, `error`, `error_description`, `error_uri`, `scope`. Descriptions are
 * fixed strings of the §3 charset: they never echo the request (docs/security.md 22).
 */
export class BearerChallenges {
  private readonly realmChallenge: string;

  /**
   * @param realm the `realm` of every challenge.
   * @param errorUriOf the `error_uri` of an error code, if any. The options resolver admits
   *   only URIs of RFC 6749 §5.2's characters, which can be quoted in the header as they are.
   */
  constructor(
    realm: string,
    private readonly errorUriOf: (code: OAuthErrorCode) => string | undefined = () => undefined,
  ) {
    this.realmChallenge = `Bearer realm="${realm}"`;
  }

  /** No token (or another scheme): 401 with `Bearer realm="…"` only (docs/security.md 8). */
  authenticationRequired(): BearerChallengeException {
    return new BearerChallengeException({ 'WWW-Authenticate': this.realmChallenge });
  }

  /** 400 `invalid_request`: query token, two methods, malformed credentials (docs/security.md 8). */
  invalidRequest(description: string): BearerTokenException {
    return this.error(OAuthErrorCode.InvalidRequest, description, HttpStatus.BAD_REQUEST);
  }

  /** 401 `invalid_token`: unknown, expired and revoked tokens alike, so none can be told apart. */
  invalidToken(): BearerTokenException {
    return this.error(OAuthErrorCode.InvalidToken, INVALID_TOKEN, HttpStatus.UNAUTHORIZED);
  }

  /** 403 `insufficient_scope` naming every scope the resource requires (RFC 6750 §3.1). */
  insufficientScope(required: readonly string[]): BearerTokenException {
    const scope = required.join(' ');
    return this.error(
      OAuthErrorCode.InsufficientScope,
      INSUFFICIENT_SCOPE,
      HttpStatus.FORBIDDEN,
      scope,
    );
  }

  private error(
    code: OAuthErrorCode,
    description: string,
    status: number,
    scope?: string,
  ): BearerTokenException {
    let challenge = `${this.realmChallenge}, error="${code}", error_description="${description}"`;
    const body: BearerErrorBody = { error: code, error_description: description };
    const errorUri = this.errorUriOf(code);
    if (errorUri !== undefined) {
      challenge += `, error_uri="${errorUri}"`;
      body.error_uri = errorUri;
    }
    if (scope !== undefined) {
      challenge += `, scope="${scope}"`;
      body.scope = scope;
    }
    return new BearerTokenException(
      code,
      description,
      status,
      { 'WWW-Authenticate': challenge },
      body,
    );
  }
}
