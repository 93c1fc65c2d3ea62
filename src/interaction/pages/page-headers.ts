import { cspHash } from '../../management/console/console-page.js';
import { PAGE_STYLES } from './page-styles.js';

/**
 * The headers of every interaction page (docs/security.md 28): never cached, never framed
 * (`frame-ancestors 'none'` against clickjacking of consent), no referrer, and a CSP with no
 * script at all. Styles: the built-in sheet by hash, or a host template's sheets from this
 * origin. Forms may post to this origin only, plus — for pages whose form ends in the client's
 * redirect — the redirect URI's origin, which browsers check along the redirect chain.
 */
export function pageHeaders(formTarget?: string): Record<string, string> {
  const formAction = formTarget === undefined ? "'self'" : `'self' ${formTarget}`;
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': [
      "default-src 'none'",
      `style-src 'self' '${cspHash(PAGE_STYLES)}'`,
      "img-src 'self' data:",
      "base-uri 'none'",
      `form-action ${formAction}`,
      "frame-ancestors 'none'",
    ].join('; '),
  };
}

/**
 * The CSP source a redirect to `redirectUri` needs in `form-action`: its origin (any port for
 * loopback, RFC 8252 §7.3), or its scheme for a private-use URI (RFC 8252 §7.1).
 */
export function redirectSource(redirectUri: string): string {
  const url = new URL(redirectUri);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return url.protocol;
  if (url.protocol === 'http:') return `http://${url.hostname}:*`;
  return url.origin;
}
