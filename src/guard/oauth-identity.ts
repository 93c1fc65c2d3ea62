/**
 * Who a live access token speaks for: what the {@link OAuthGuard} puts on `request.user` and the
 * `@OAuthIdentity()` parameter decorator hands to a route (RFC 6750 §1: a bearer token grants
 * whatever it was issued for, to whoever presents it).
 * @publicApi
 */
export interface OAuthIdentity {
  /** The resource owner; `null` for client_credentials tokens, which act for the client itself. */
  userId: string | null;
  /** The client the token was issued to. */
  clientId: string;
  /** The granted scope tokens (RFC 6749 §3.3); empty when none was granted. */
  scope: string[];
  /** When the access token stops being accepted. */
  expiresAt: Date;
}
