import { OAuthException } from '../errors/oauth.exception.js';

/**
 * One scope-token of RFC 6749 §3.3: `1*NQCHAR` = %x21 / %x23-5B / %x5D-7E — so also safe inside
 * a quoted header value. The module's one definition of it.
 */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** Whether `value` is one RFC 6749 §3.3 scope-token. */
export function isScopeToken(value: unknown): value is string {
  return typeof value === 'string' && SCOPE_TOKEN.test(value);
}

/** Whether `value` is a scope in canonical form: scope-tokens separated by single spaces, or `''`. */
export function isCanonicalScope(value: unknown): value is string {
  return typeof value === 'string' && (value === '' || value.split(' ').every(isScopeToken));
}

/**
 * Parses a space-delimited scope value (RFC 6749 §3.3): tokens are checked against NQCHAR and
 * deduplicated, keeping the order of first appearance. Runs of spaces are tolerated; any other
 * character (tab, quote, backslash, non-ASCII) makes the whole value malformed.
 *
 * @returns the tokens; an empty array for `''`.
 * @throws OAuthException `invalid_scope` when a token is malformed.
 * @publicApi
 */
export function parseScope(value: string): string[] {
  const tokens = value.split(' ').filter((token) => token.length > 0);
  for (const token of tokens) {
    if (!SCOPE_TOKEN.test(token)) throw OAuthException.invalidScope('The scope is malformed');
  }
  return [...new Set(tokens)];
}

/** Parses a scope that was stored by the module or an administrator (never throws on bad data). */
function storedScope(value: string): string[] {
  return [...new Set(value.split(' ').filter((token) => SCOPE_TOKEN.test(token)))];
}

/** The canonical string form: tokens joined by single spaces. */
export function formatScope(tokens: readonly string[]): string {
  return tokens.join(' ');
}

/**
 * Limits that a granted scope must stay within. `client` is the client's allowed scope, where an
 * empty string means the client may request no scope at all. `user` is the resource owner's
 * scope, where an empty string means "no restriction" (see `SentinelUser.scope`).
 * `previous` is the scope of the grant being refreshed (RFC 6749 §6: it may only narrow).
 * @publicApi
 */
export interface ScopeLimits {
  client: string;
  user?: string;
  previous?: string;
}

/**
 * Decides the scope of a token request.
 *
 * - Requested scope given: every token must be within every limit, else `invalid_scope`
 *   (RFC 6749 §5.2); the result is the requested tokens, deduplicated.
 * - Scope omitted (RFC 6749 §3.3 lets the server choose a default): the result is the
 *   narrowest of the limits — on a fresh grant the client's full allowed scope, intersected with
 *   the user's scope when the user has one; on refresh the previous scope, intersected with what
 *   the client and the user are allowed today (so an administrator narrowing them takes effect at
 *   the next refresh).
 *
 * @param requested the parsed `scope` parameter, or `undefined` when it was omitted.
 * @publicApi
 */
export function resolveScope(requested: string[] | undefined, limits: ScopeLimits): string {
  const allowed: Array<Set<string>> = [new Set(storedScope(limits.client))];
  const user = limits.user === undefined ? [] : storedScope(limits.user);
  if (user.length > 0) allowed.push(new Set(user));
  if (limits.previous !== undefined) allowed.push(new Set(storedScope(limits.previous)));

  if (requested === undefined) {
    const base =
      limits.previous !== undefined ? storedScope(limits.previous) : storedScope(limits.client);
    return formatScope(base.filter((token) => allowed.every((set) => set.has(token))));
  }
  for (const token of requested) {
    if (!allowed.every((set) => set.has(token))) {
      throw OAuthException.invalidScope('The requested scope exceeds the granted scope');
    }
  }
  return formatScope(requested);
}
