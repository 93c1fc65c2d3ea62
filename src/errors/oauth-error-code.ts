/**
 * The error codes this server sends: RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1, RFC 8628 §3.5,
 * and the
 * `prompt=none` answers of OpenID Connect Core §3.1.2.6 (`login_required`, `consent_required`).
 * A code joins the list when a flow that sends it is built.
 * @publicApi
 */
export enum OAuthErrorCode {
  InvalidRequest = 'invalid_request',
  InvalidClient = 'invalid_client',
  InvalidGrant = 'invalid_grant',
  UnauthorizedClient = 'unauthorized_client',
  AccessDenied = 'access_denied',
  UnsupportedResponseType = 'unsupported_response_type',
  LoginRequired = 'login_required',
  ConsentRequired = 'consent_required',
  AuthorizationPending = 'authorization_pending',
  SlowDown = 'slow_down',
  ExpiredToken = 'expired_token',
  UnsupportedGrantType = 'unsupported_grant_type',
  InvalidScope = 'invalid_scope',
  InvalidToken = 'invalid_token',
  InsufficientScope = 'insufficient_scope',
  TemporarilyUnavailable = 'temporarily_unavailable',
  ServerError = 'server_error',
}
