import { isScopeToken } from '../token/scope.js';
import { assertDate, assertNonEmptyString } from './store-input.js';
import { InvalidInputError } from './storage.errors.js';

// Guards and the scope union shared by the Mongo and in-memory consent stores, so both refuse
// and store exactly the same thing (docs/security.md 2, 30).

/**
 * @throws InvalidInputError naming the first invalid argument of `ConsentStore.grant`: ids must
 * be non-empty strings, scopes RFC 6749 §3.3 scope-tokens, `now` a valid date.
 */
export function assertConsentGrant(
  userId: unknown,
  clientId: unknown,
  scopes: unknown,
  now: unknown,
): asserts scopes is readonly string[] {
  assertNonEmptyString(userId, 'userId');
  assertNonEmptyString(clientId, 'clientId');
  if (!Array.isArray(scopes) || !scopes.every(isScopeToken)) {
    throw new InvalidInputError('scopes must be a list of scope tokens', 'scopes');
  }
  assertDate(now, 'now');
}

/** The canonical consent scope (sorted, unique, space-delimited) of `granted` scope-tokens. */
export function canonicalConsentScope(granted: Iterable<string>): string {
  return [...new Set(granted)]
    .filter((scope) => scope.length > 0)
    .sort()
    .join(' ');
}
