import { LOOPBACK_HOSTS } from '../options/protocol-options.js';

/**
 * The rules for a client's redirect URIs (RFC 6749 §3.1.2, RFC 9700 §2.1, RFC 8252 §7), used when
 * a client is registered and when an authorization request names one.
 */

/** Most redirect URIs one client may register, and the longest one. */
export const MAX_REDIRECT_URIS = 20;
export const MAX_REDIRECT_URI_LENGTH = 2000;

/**
 * Why `uri` cannot be registered as a redirect URI, or `undefined` when it can:
 *
 * - an absolute URI without a fragment (RFC 6749 §3.1.2) and without user information (it would
 *   only help a phishing URI look like another host);
 * - `https`; plain `http` only for a loopback host (RFC 8252 §7.3: the app listens there);
 * - or a private-use scheme of a native app (RFC 8252 §7.1), which must be a reverse domain name
 *   (`com.example.app:/callback`): it contains a period, so `javascript:`, `data:` and `file:`
 *   can never be one.
 */
export function redirectUriProblem(uri: unknown): string | undefined {
  if (typeof uri !== 'string' || uri.length === 0) return 'must be a non-empty string';
  if (uri.length > MAX_REDIRECT_URI_LENGTH) {
    return `must be at most ${MAX_REDIRECT_URI_LENGTH} characters`;
  }
  if (!/^[\x21-\x7E]+$/.test(uri)) return 'must be printable ASCII without spaces';
  if (uri.includes('#')) return 'must not have a fragment (RFC 6749 §3.1.2)';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'must be an absolute URI';
  }
  if (url.username !== '' || url.password !== '') return 'must not carry user information';
  const scheme = url.protocol.slice(0, -1);
  if (scheme === 'https') return url.hostname === '' ? 'must name a host' : undefined;
  if (scheme === 'http') {
    return LOOPBACK_HOSTS.has(url.hostname)
      ? undefined
      : 'may use http only for a loopback host (127.0.0.1, [::1], localhost)';
  }
  return scheme.includes('.')
    ? undefined
    : 'must use https, http on a loopback host, or a private-use scheme like com.example.app';
}

/**
 * Whether the `requested` redirect URI matches the `registered` one: exact string comparison
 * (RFC 9700 §2.1), except that an `http` loopback URI may name any port, because a native app
 * gets its port from the operating system at the moment of the request (RFC 8252 §7.3).
 */
export function redirectUriMatches(registered: string, requested: string): boolean {
  if (registered === requested) return true;
  const a = loopbackParts(registered);
  const b = loopbackParts(requested);
  return a !== undefined && b !== undefined && a === b;
}

/** A loopback `http` URI without its port (`http://127.0.0.1/cb?x`), else `undefined`. */
function loopbackParts(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  if (url.username !== '' || url.password !== '' || url.hash !== '') return undefined;
  // Compare the text after the authority as given: URL normalises paths (`/a/../b` → `/b`).
  const afterAuthority = uri.slice(uri.indexOf('//') + 2).replace(/^[^/?]*/, '');
  return `http://${url.hostname}${afterAuthority}`;
}

/**
 * The registered redirect URI a request may use: the one it names when that matches, or the
 * only registered one when it names none (RFC 6749 §3.1.2.3). `undefined` when the request
 * must be refused — without redirecting anywhere (RFC 6749 §4.1.2.1).
 */
export function chooseRedirectUri(
  registered: readonly string[],
  requested: string | undefined,
): string | undefined {
  if (requested === undefined) return registered.length === 1 ? registered[0] : undefined;
  return registered.some((uri) => redirectUriMatches(uri, requested)) ? requested : undefined;
}
