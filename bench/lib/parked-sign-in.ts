import { s256Challenge } from '../../src/authorization/pkce.js';
import { SESSION_COOKIE } from '../../src/interaction/browser-binding.js';
import { CSRF_FIELD } from '../../src/interaction/interaction-paths.js';
import { generateToken } from '../../src/crypto/token-generator.js';

/** What a browser holds on the sign-in page of a parked request: where to post, and with what. */
export interface ParkedSignIn {
  /** `/oauth/interaction/<id>/sign-in`. */
  path: string;
  /** `sentinel_session=<anonymous browser id>`. */
  cookie: string;
  csrfToken: string;
}

/**
 * Parks one authorization request (RFC 6749 §4.1.1, PKCE S256) and opens its sign-in page the
 * way a browser would: `GET /oauth/authorize` → `303` to the interaction page → the page, its
 * form and the anonymous cookie its CSRF token is bound to (ADR 0018). A sign-in consumes
 * none of it: the request stays parked until answered on the consent page, and a success only
 * starts a new session under a new id (docs/security.md 26), so the same path, cookie and token
 * serve every measured sign-in.
 */
export async function parkSignIn(
  origin: string,
  clientId: string,
  redirectUri: string,
): Promise<ParkedSignIn> {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: 'read',
    state: 'bench',
    code_challenge: s256Challenge(generateToken() + generateToken()),
    code_challenge_method: 'S256',
  });
  const parked = await fetch(`${origin}/oauth/authorize?${query}`, { redirect: 'manual' });
  const location = parked.headers.get('location');
  if (parked.status !== 303 || location === null) {
    throw new Error(`authorize: expected a 303 to the interaction page, got ${parked.status}`);
  }
  const page = await fetch(new URL(location, origin), { redirect: 'manual' });
  const html = await page.text();
  const cookie = page.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .find((pair) => pair.startsWith(`${SESSION_COOKIE}=`));
  const action = /<form method="post" action="([^"]*\/sign-in)">/.exec(html)?.[1];
  const csrfToken = new RegExp(`name="${CSRF_FIELD}" value="([^"]*)"`).exec(html)?.[1];
  if (page.status !== 200 || cookie === undefined || action === undefined || !csrfToken) {
    throw new Error(`sign-in page: status ${page.status}, no form, cookie or CSRF token`);
  }
  return { path: action, cookie, csrfToken };
}
