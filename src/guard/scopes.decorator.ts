import { SetMetadata, type CustomDecorator } from '@nestjs/common';
import { SCOPES_METADATA } from '../sentinel.constants.js';
import { isScopeToken } from '../token/scope.js';

/**
 * Scopes the access token must carry, on a route or a controller guarded by {@link OAuthGuard}.
 * Both levels apply: a route of a `@Scopes('read')` controller marked `@Scopes('admin')` needs
 * `read` and `admin`. A token that lacks one is refused with 403 `insufficient_scope`
 * (RFC 6750 §3.1, docs/security.md 8).
 *
 * @throws TypeError at decoration time (bootstrap) for a value that is not a scope-token.
 * @publicApi
 */
export function Scopes(...scopes: string[]): CustomDecorator<string> {
  for (const scope of scopes) {
    if (!isScopeToken(scope)) {
      throw new TypeError(`@Scopes(): ${JSON.stringify(scope)} is not an RFC 6749 scope-token`);
    }
  }
  return SetMetadata(SCOPES_METADATA, [...new Set(scopes)]);
}
