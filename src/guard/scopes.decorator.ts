import { SetMetadata, type CustomDecorator } from '@nestjs/common';
import { SCOPES_METADATA } from '../sentinel.constants.js';

/** One scope-token of RFC 6749 §3.3: `1*NQCHAR`, so it is safe inside a quoted header value. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Scopes the access token must carry, on a route or a controller guarded by {@link OAuthGuard}.
 * Both levels apply: a route of a `@Scopes('read')` controller marked `@Scopes('admin')` needs
 * `read` and `admin`. A token that lacks one is refused with 403 `insufficient_scope`
 * (RFC 6750 §3.1, SECURITY.md 8).
 *
 * @throws TypeError at decoration time (bootstrap) for a value that is not a scope-token.
 */
export function Scopes(...scopes: string[]): CustomDecorator<string> {
  for (const scope of scopes) {
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
      throw new TypeError(`@Scopes(): ${JSON.stringify(scope)} is not an RFC 6749 scope-token`);
    }
  }
  return SetMetadata(SCOPES_METADATA, [...new Set(scopes)]);
}
