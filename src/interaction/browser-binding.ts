import { createHmac } from 'node:crypto';
import { parse, serialize } from 'cookie';
import { constantTimeEqual } from '../crypto/constant-time.js';
import { isSecretId, newSecretId } from './secret-ids.js';

/**
 * The one cookie of the interaction pages (ADR 0018). Its value is a random 256-bit id that
 * binds the browser: before sign-in it only anchors the CSRF tokens; at sign-in it is replaced
 * by a new id under which the session is stored (no fixation, docs/security.md 26).
 */
export const SESSION_COOKIE = 'sentinel_session';

/** Where the cookie applies and whether it needs https. */
export interface CookieScope {
  /** The route prefix: the cookie is never sent to the host app's other paths. */
  path: string;
  /** `Secure` on https (the issuer's scheme, or the request's). */
  secure: boolean;
}

/** The cookie's id on `request`, when it has the shape of one (anything else is ignored). */
export function readBrowserId(request: unknown): string | undefined {
  const header = (request as { headers?: Record<string, unknown> }).headers?.cookie;
  if (typeof header !== 'string') return undefined;
  let value: string | undefined;
  try {
    value = parse(header)[SESSION_COOKIE];
  } catch {
    return undefined;
  }
  return isSecretId(value) ? value : undefined;
}

/** A new browser id, for a browser that has none. */
export function newBrowserId(): string {
  return newSecretId();
}

/** `Set-Cookie` for `id`: HttpOnly, SameSite=Lax, scoped to the prefix, Secure on https. */
export function browserCookie(id: string, scope: CookieScope): string {
  return serialize(SESSION_COOKIE, id, {
    httpOnly: true,
    sameSite: 'lax',
    secure: scope.secure,
    path: scope.path,
  });
}

/** `Set-Cookie` that removes the cookie (sign-out). */
export function clearedBrowserCookie(scope: CookieScope): string {
  return serialize(SESSION_COOKIE, '', {
    httpOnly: true,
    sameSite: 'lax',
    secure: scope.secure,
    path: scope.path,
    expires: new Date(0),
  });
}

/**
 * The CSRF token of one form for one browser (docs/security.md 27): an HMAC of the form's
 * purpose keyed with the browser's cookie id. A page from another browser, or from before a
 * sign-in changed the id, carries a token that does not verify; nothing is stored.
 */
export function csrfToken(browserId: string, purpose: string): string {
  return createHmac('sha256', browserId).update(purpose, 'utf8').digest('base64url');
}

/** Whether `given` is the CSRF token of `purpose` for `browserId` (constant time). */
export function verifiesCsrfToken(
  browserId: string | undefined,
  purpose: string,
  given: string | undefined,
): boolean {
  if (browserId === undefined || typeof given !== 'string') return false;
  return constantTimeEqual(csrfToken(browserId, purpose), given);
}

/**
 * Whether a form post comes from this server's own pages, by what the browser says
 * (docs/security.md 27): `Sec-Fetch-Site`, when sent, must be `same-origin`; `Origin`, when sent
 * and not `null` (browsers send `null` under `Referrer-Policy: no-referrer`), must be
 * `expectedOrigin`. Clients that send neither are judged by the CSRF token alone.
 */
export function isSameOriginPost(request: unknown, expectedOrigin: string): boolean {
  const headers = (request as { headers?: Record<string, unknown> }).headers ?? {};
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = headers.origin;
  return origin === undefined || origin === 'null' || origin === expectedOrigin;
}
