/**
 * Introspection response for a live access token (RFC 7662 §2.2). `username` and `sub` are
 * present only when the token was issued to a user; a client_credentials token acts for the
 * client alone and has neither.
 * @publicApi
 */
export interface ActiveTokenIntrospection {
  active: true;
  /** The granted scope, space-delimited (RFC 6749 §3.3). */
  scope: string;
  /** The client the token was issued to. */
  client_id: string;
  /** The resource owner's username. */
  username?: string;
  token_type: 'Bearer';
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Issue time, seconds since the epoch. */
  iat: number;
  /** The resource owner's user id. */
  sub?: string;
}

/**
 * What the introspection endpoint answers: a live token, or exactly `{"active": false}`.
 * @publicApi
 */
export type IntrospectionResponse = ActiveTokenIntrospection | { active: false };
