import type { GrantType, SentinelClient } from '../../storage/client-store.js';

/**
 * The token request's form parameters, read flat (SECURITY.md 2): every value is a non-empty
 * string, each name appears once. Created without a prototype, so `form.constructor` is
 * `undefined` rather than a function.
 */
export type TokenForm = Readonly<Record<string, string>>;

/** Successful token response (RFC 6749 §5.1). */
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
 * One grant type of the token endpoint (RFC 6749 §4, §6). The token service has already
 * authenticated the client and checked that the client lists {@link Grant.grantType}.
 */
export interface Grant {
  readonly grantType: GrantType;
  /** Issues tokens for the request or throws an `OAuthException`. */
  handle(request: TokenForm, client: SentinelClient): Promise<TokenResponse>;
}

/**
 * DI token of the list of {@link Grant}s the token service dispatches to. Provided as a factory
 * over the grant classes in `TOKEN_PROVIDERS`; add a grant by adding it to that factory.
 */
export const TOKEN_GRANTS = Symbol('SENTINEL:TokenGrants');
