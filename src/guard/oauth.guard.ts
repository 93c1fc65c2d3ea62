import { errorUriOf } from '../options/error-uri-options.js';
import { Inject, Injectable, Optional, type ExecutionContext } from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { AuthGuard, type AuthGuardAuthenticateOptions } from '@nestjs/passport';
import { OAuthException } from '../errors/oauth.exception.js';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import { BEARER_STRATEGY, SCOPES_METADATA, SENTINEL_OPTIONS } from '../sentinel.constants.js';
import { AccessTokenVerifier } from './access-token.verifier.js';
import { BearerChallengeException, BearerChallenges } from './bearer-challenge.js';
import type { OAuthIdentity } from './oauth-identity.js';

/** The parts of an HTTP request (Express or Fastify) the guard reads. */
export interface BearerRequest {
  method?: string;
  /** The request target as received, query string included. */
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  query?: unknown;
  body?: unknown;
  user?: OAuthIdentity;
}

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const FORM_MEDIA_TYPE = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;
// Pinned so a host's PassportModule options (session, another property) cannot change them.
const AUTHENTICATE_OPTIONS: AuthGuardAuthenticateOptions = { session: false, property: 'user' };
// What passport-http-bearer hands `handleRequest` for a token it does not accept.
const TOKEN_REJECTED = 'Bearer error="invalid_token"';

const QUERY_REFUSED = 'Access tokens in the URL query are refused, use the Authorization header';
const TWO_METHODS = 'The access token was sent by more than one method';
const MALFORMED = 'The Authorization header is not a well-formed Bearer credential';
const REPEATED = 'The access_token parameter must be given once';
const BODY_NOT_FORM =
  'An access_token in the body needs a non-GET application/x-www-form-urlencoded request';

/**
 * Protects host routes with bearer access tokens (RFC 6750, docs/security.md 8): `@UseGuards(OAuthGuard)`,
 * with `@Scopes(...)` for required scopes and `@OAuthIdentity()` to read who the token speaks for.
 *
 * - No token (or a non-Bearer `Authorization` scheme): 401 `WWW-Authenticate: Bearer realm="…"`,
 *   no error code (RFC 6750 §3.1).
 * - A token in the query string (RFC 6750 §2.3, §5.3), by two methods, in a non-form body, or a
 *   malformed `Bearer` header: 400 `invalid_request`.
 * - Unknown, expired or revoked token: 401 `error="invalid_token"`; revocations hold at once
 *   (docs/security.md 9). Missing scope: 403 `error="insufficient_scope"`, `scope="…"`.
 * - Token storage down: the verifier's 503 with `Retry-After`, never a 401 (docs/security.md 18).
 *
 * Headers are written to the response before throwing, so the host's exception filter need not
 * know them; every error also carries `Cache-Control: no-store`. Hooks for subclasses:
 * `getRequest`, `extractToken`, `requiredScopes`, `handleRequest`.
 *
 * The token check is the hot path of every protected request, so the guard does not go through
 * passport per request: it has already read the token exactly as passport-http-bearer would
 * ({@link extractToken}), hands it to its own app's {@link AccessTokenVerifier}, and calls
 * {@link handleRequest} with passport's arguments. {@link BearerStrategy} stays registered for
 * hosts that use `AuthGuard('sentinel-bearer')` themselves.
 * @publicApi
 */
@Injectable()
export class OAuthGuard extends AuthGuard(BEARER_STRATEGY) {
  /** Builds every error this guard answers with; for subclasses that refuse requests too. */
  protected readonly challenges: BearerChallenges;
  private readonly scopesByClass = new WeakMap<object, WeakMap<object, readonly string[]>>();

  constructor(
    @Inject(SENTINEL_OPTIONS) options: ResolvedSentinelOptions,
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AccessTokenVerifier) private readonly verifier: AccessTokenVerifier,
    @Optional() @Inject(HttpAdapterHost) private readonly adapterHost?: HttpAdapterHost,
  ) {
    super();
    this.challenges = new BearerChallenges(options.realm, (code) => errorUriOf(options, code));
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    try {
      const request = this.getRequest(context);
      const token = this.extractToken(request);
      if (token === undefined) throw this.challenges.authenticationRequired();
      const user = await this.authenticate(token, context);
      request.user = user;
      const required = this.requiredScopes(context);
      if (required.length > 0) {
        const granted = user?.scope ?? [];
        if (!required.every((scope) => granted.includes(scope))) {
          throw this.challenges.insufficientScope(required);
        }
      }
      return true;
    } catch (error) {
      // Answers with the error's headers (the body is the exception filter's).
      this.writeHeaders(context, error);
      throw error;
    }
  }

  override getRequest(context: ExecutionContext): BearerRequest {
    return context.switchToHttp().getRequest<BearerRequest>();
  }

  protected getResponse(context: ExecutionContext): unknown {
    return context.switchToHttp().getResponse<unknown>();
  }

  override getAuthenticateOptions(): AuthGuardAuthenticateOptions {
    return AUTHENTICATE_OPTIONS;
  }

  /**
   * Where the token is, checked before passport runs: the `Authorization: Bearer` header
   * (RFC 6750 §2.1) or an `access_token` form parameter (§2.2), never the query (§2.3,
   * docs/security.md 8). Must agree with what passport-http-bearer reads.
   *
   * @returns the token, or `undefined` when the request carries none.
   * @throws OAuthException `invalid_request` for a query token, two methods or a malformed value.
   */
  protected extractToken(request: BearerRequest): string | undefined {
    // Without a `?` in the target there is no query to look at (Express parses `query` anew on
    // every read).
    const url = request.url;
    if (
      (typeof url !== 'string' || url.includes('?')) &&
      hasParameter(request.query, 'access_token')
    ) {
      throw this.challenges.invalidRequest(QUERY_REFUSED);
    }
    const fromHeader = this.tokenFromHeader(request.headers.authorization);
    return this.tokenFromBody(request, fromHeader !== undefined) ?? fromHeader;
  }

  /** Scopes the route requires: `@Scopes` of the controller and of the handler, both enforced. */
  protected requiredScopes(context: ExecutionContext): readonly string[] {
    const controller = context.getClass();
    const handler = context.getHandler();
    let byHandler = this.scopesByClass.get(controller);
    if (byHandler === undefined) {
      byHandler = new WeakMap();
      this.scopesByClass.set(controller, byHandler);
    }
    let scopes = byHandler.get(handler);
    if (scopes === undefined) {
      const merged = this.reflector.getAllAndMerge<string[]>(SCOPES_METADATA, [
        controller,
        handler,
      ]);
      scopes = Object.freeze([...new Set(merged)]);
      byHandler.set(handler, scopes);
    }
    return scopes;
  }

  /** Maps passport's outcome: errors (503, 500) pass through untouched, failures become 400/401. */
  override handleRequest<TUser = OAuthIdentity>(
    err: unknown,
    user: unknown,
    info: unknown,
    _context: ExecutionContext,
    status?: unknown,
  ): TUser {
    if (err) throw err;
    if (user) return user as TUser;
    if (status === 400) throw this.challenges.invalidRequest(MALFORMED);
    if (typeof info === 'string' && !info.includes('error='))
      throw this.challenges.authenticationRequired();
    throw this.challenges.invalidToken();
  }

  /** The verifier's answer, through {@link handleRequest} as passport would hand it over. */
  private async authenticate(token: string, context: ExecutionContext): Promise<OAuthIdentity> {
    let identity: OAuthIdentity | null;
    try {
      identity = await this.verifier.verify(token);
    } catch (error) {
      // A storage fault (503) or a bug (500): handleRequest passes it through.
      return this.handleRequest<OAuthIdentity>(error, false, undefined, context);
    }
    if (identity !== null)
      return this.handleRequest<OAuthIdentity>(null, identity, undefined, context);
    return this.handleRequest<OAuthIdentity>(null, false, TOKEN_REJECTED, context);
  }

  private tokenFromHeader(header: string | string[] | undefined): string | undefined {
    if (typeof header !== 'string') return undefined;
    const space = header.indexOf(' ');
    const scheme = space === -1 ? header : header.slice(0, space);
    // Another scheme is "an unsupported authentication method": no error code (RFC 6750 §3.1).
    if (scheme.toLowerCase() !== 'bearer') return undefined;
    const credentials = space === -1 ? '' : header.slice(space + 1);
    if (!B64TOKEN.test(credentials)) throw this.challenges.invalidRequest(MALFORMED);
    return credentials;
  }

  private tokenFromBody(request: BearerRequest, inHeader: boolean): string | undefined {
    const body = request.body;
    if (!hasParameter(body, 'access_token')) return undefined;
    const value = (body as Record<string, unknown>).access_token;
    // An empty parameter counts as omitted, as passport-http-bearer treats it.
    if (value === undefined || value === '') return undefined;
    if (inHeader) throw this.challenges.invalidRequest(TWO_METHODS);
    if (typeof value !== 'string') throw this.challenges.invalidRequest(REPEATED);
    const contentType = request.headers['content-type'];
    if (
      request.method === 'GET' ||
      typeof contentType !== 'string' ||
      !FORM_MEDIA_TYPE.test(contentType)
    ) {
      throw this.challenges.invalidRequest(BODY_NOT_FORM);
    }
    return value;
  }

  private writeHeaders(context: ExecutionContext, error: unknown): void {
    let headers: Readonly<Record<string, string>>;
    if (error instanceof OAuthException || error instanceof BearerChallengeException) {
      headers = error.headers;
    } else {
      return; // A 500 stays a plain 500.
    }
    const response = this.getResponse(context);
    this.setHeader(response, 'Cache-Control', 'no-store');
    for (const [name, value] of Object.entries(headers)) this.setHeader(response, name, value);
  }

  private setHeader(response: unknown, name: string, value: string): void {
    const adapter = this.adapterHost?.httpAdapter;
    if (adapter) {
      adapter.setHeader(response, name, value);
      return;
    }
    // Without an adapter (a bare execution context): Express/Fastify `header`, or Node's `setHeader`.
    const target = response as {
      header?: (n: string, v: string) => unknown;
      setHeader?: (n: string, v: string) => unknown;
    };
    if (typeof target.header === 'function') target.header(name, value);
    else target.setHeader?.(name, value);
  }
}

function hasParameter(container: unknown, name: string): boolean {
  return typeof container === 'object' && container !== null && Object.hasOwn(container, name);
}
