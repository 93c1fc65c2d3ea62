import { Inject, Injectable } from '@nestjs/common';
import { clientAddress } from '../abuse/client-address.js';
import { CountedPasswordCheck } from '../abuse/counted-password-check.js';
import { OAuthException } from '../errors/oauth.exception.js';
import { serverOrigin } from '../metadata/request-origin.js';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import { SENTINEL_OPTIONS } from '../sentinel.constants.js';
import { TokenFormReader } from '../token/token-form.reader.js';
import {
  browserCookie,
  isSameOriginPost,
  readBrowserId,
  verifiesCsrfToken,
} from './browser-binding.js';
import { CSRF_FIELD } from './interaction-paths.js';
import { SESSION_STORE } from './interaction.tokens.js';
import { PageResponder } from './page-responder.js';
import type { SessionStore } from './session-store.js';
import type { SignInFailure } from './step-responder.js';

/** The one wording for an unknown user, a wrong password and a disabled user (docs/security.md 29). */
export const SIGN_IN_FAILED = 'The username or password is not right. Try again.';
/** The one wording of a lockout, whichever counter it was (docs/security.md 13). */
export const SIGN_IN_LOCKED = 'Too many failed attempts. Wait a moment, then try again.';

/** What a sign-in post came to: a new session's cookie, or the failure to show on the page. */
export type SignInOutcome =
  { kind: 'signed-in'; cookie: string } | { kind: 'refused'; failure: SignInFailure };

/**
 * The parts of the interaction forms every page that posts shares — the authorization
 * request's pages and the device verification page (RFC 8628 §3.3) alike, so neither keeps a
 * copy: the same-origin and CSRF checks (docs/security.md 27), the refusal page of a forged
 * post, and the built-in sign-in (docs/security.md 26, 29; ADR 0018).
 */
@Injectable()
export class SignInHandler {
  constructor(
    private readonly pages: PageResponder,
    private readonly formReader: TokenFormReader,
    private readonly passwords: CountedPasswordCheck,
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    @Inject(SENTINEL_OPTIONS) private readonly options: ResolvedSentinelOptions,
  ) {}

  /**
   * The form of a post from this server's own page, or `null` when it is not: a foreign
   * `Origin` / `Sec-Fetch-Site`, or a CSRF token missing or not this browser's for `purpose`.
   */
  async checkedForm(request: unknown, purpose: string): Promise<Record<string, string> | null> {
    if (!isSameOriginPost(request, serverOrigin(this.options.issuer, request))) return null;
    const form = await this.formReader.read(request, []);
    return verifiesCsrfToken(readBrowserId(request), purpose, form[CSRF_FIELD]) ? form : null;
  }

  /**
   * Signs in with the form's `username` and `password`, checked as the password grant checks
   * them (docs/security.md 29). On success the browser's previous id (anonymous, or another
   * user's session) is ended and a session started under a new one (no fixation, 26).
   */
  async signIn(form: Record<string, string>, request: unknown): Promise<SignInOutcome> {
    const username = form.username ?? '';
    const password = form.password;
    if (username === '' || password === undefined) {
      const failure = { message: 'Enter your username and password.', status: 400, username };
      return { kind: 'refused', failure };
    }
    let user;
    try {
      user = await this.passwords.verify(username, password, clientAddress(request));
    } catch (error) {
      if (error instanceof OAuthException && error.getStatus() === 429) {
        const headers = { ...error.headers };
        return {
          kind: 'refused',
          failure: { message: SIGN_IN_LOCKED, status: 429, headers, username },
        };
      }
      throw error;
    }
    if (user === null) {
      return { kind: 'refused', failure: { message: SIGN_IN_FAILED, status: 401, username } };
    }
    await this.sessions.end(readBrowserId(request));
    const sessionId = await this.sessions.start(user.id);
    return { kind: 'signed-in', cookie: browserCookie(sessionId, this.pages.cookieScope(request)) };
  }

  /** The page for a post that did not come from this browser's own page (403). */
  forged(response: unknown): void {
    this.pages.error(response, 403, {
      title: 'This form has expired',
      message:
        'It was not sent from this page in this browser (cookies must be enabled). Go back to the app and start again.',
    });
  }

  /**
   * The Allow/Deny form of the consent or device confirmation page came without either
   * answer: a 400 page, nothing decided.
   */
  missingDecision(response: unknown): void {
    this.pages.error(response, 400, {
      title: 'Choose Allow or Deny',
      message: 'Go back and press one of the two buttons.',
    });
  }

  /**
   * With the host app's login the built-in sign-in and sign-out do not exist: answers 404 and
   * returns `true` then.
   */
  refusedForHostLogin(response: unknown): boolean {
    if (this.options.interaction.login === undefined) return false;
    this.pages.error(response, 404, {
      title: 'Not here',
      message: 'Signing in and out is handled by the application.',
    });
    return true;
  }
}
