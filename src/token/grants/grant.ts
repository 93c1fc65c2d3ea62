import type { Type } from '@nestjs/common';
import type { RequestOrigin } from '../../abuse/client-address.js';
import type { SentinelClient } from '../../storage/client-store.js';

/**
 * The token request's form parameters, read flat (docs/security.md 2): every value is a
 * non-empty string, each name appears once. Created without a prototype, so `form.constructor`
 * is `undefined` rather than a function.
 * @publicApi
 */
export type TokenForm = Readonly<Record<string, string>>;

/**
 * Successful token response (RFC 6749 §5.1).
 * @publicApi
 */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  /** Lifetime of the access token in seconds. */
  expires_in: number;
  refresh_token?: string;
  /** The granted scope, space-delimited (RFC 6749 §3.3); empty when no scope was granted. */
  scope: string;
}

/**
 * Everything a grant may read about one token request. The token service has already
 * authenticated {@link client} and checked that it lists the requested grant type.
 * @publicApi
 */
export interface GrantContext {
  /** The form parameters, `grant_type` included. */
  readonly form: TokenForm;
  /** The authenticated client (public clients by `client_id` alone, RFC 6749 §2.1). */
  readonly client: SentinelClient;
  /** Where the request came from, as the brute-force counters key it (ADR 0007). */
  readonly origin: RequestOrigin;
  /** The platform's raw request (Express or Fastify), for grants that need a header. */
  readonly request: unknown;
}

/**
 * One grant type of the token endpoint (RFC 6749 §4, §6, or an extension grant, §4.5). A Nest
 * provider: it may inject `TokenIssuerService`, the stores (`UserStore`, `ClientStore`,
 * `TokenStore`) and the host app's global providers.
 * @publicApi
 */
export interface Grant {
  /**
   * Issues tokens for the request (usually through `TokenIssuerService`) or throws an
   * `OAuthException` (`invalid_request`, `invalid_grant`, `invalid_scope`…), which the token
   * endpoint renders as RFC 6749 §5.2 says.
   */
  handle(context: GrantContext): Promise<TokenResponse>;
}

/**
 * A grant type and the class that implements it, given to the module's `grants` option
 * (Authlib's `register_grant`).
 * @publicApi
 */
export interface GrantRegistration {
  /**
   * The `grant_type` value: a registered name like `password`, or for an extension grant an
   * absolute URI (RFC 6749 §4.5), e.g. `urn:example:params:oauth:grant-type:otp`.
   */
  grantType: string;
  /** The {@link Grant} class; Nest instantiates it with its dependencies. */
  useClass: Type<Grant>;
  /**
   * Only confidential clients may list this grant type (like `client_credentials`, RFC 6749
   * §4.4). The client stores refuse it for public clients. Default `false`.
   */
  confidentialClientsOnly?: boolean;
}
