import { HttpStatus } from '@nestjs/common';
import { OAuthErrorCode } from '../errors/oauth-error-code.js';
import { OAuthException } from '../errors/oauth.exception.js';

/** The one description of every brute-force refusal: account, address and client alike. */
export const TOO_MANY_ATTEMPTS = 'Too many failed attempts, retry later';

/**
 * 429 `invalid_request` with `Retry-After` (whole seconds, at least 1). The body is the same
 * for every counter and for known and unknown usernames, so it reveals neither which limit was
 * hit nor whether the account exists (docs/security.md 13). RFC 6749 has no throttling code;
 * `temporarily_unavailable` already means "storage down" here (ADR 0006, ADR 0007).
 */
export function tooManyAttempts(retryAfterSeconds: number): OAuthException {
  return new OAuthException(
    OAuthErrorCode.InvalidRequest,
    TOO_MANY_ATTEMPTS,
    HttpStatus.TOO_MANY_REQUESTS,
    { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
  );
}
