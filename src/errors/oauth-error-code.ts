/** Error codes of RFC 6749 §5.2, RFC 6750 §3.1 and RFC 8628 §3.5. */
export enum OAuthErrorCode {
  InvalidRequest = 'invalid_request',
  InvalidClient = 'invalid_client',
  InvalidGrant = 'invalid_grant',
  UnauthorizedClient = 'unauthorized_client',
  UnsupportedGrantType = 'unsupported_grant_type',
  InvalidScope = 'invalid_scope',
  InvalidToken = 'invalid_token',
  InsufficientScope = 'insufficient_scope',
  AccessDenied = 'access_denied',
  TemporarilyUnavailable = 'temporarily_unavailable',
  ServerError = 'server_error',
}
