import { Get, Inject, Injectable, Param, Post, Req, Res } from '@nestjs/common';
import { CountedPasswordCheck } from '../abuse/counted-password-check.js';
import { clientAddress } from '../abuse/client-address.js';
import type { PendingAuthorization } from '../authorization/pending-authorization.js';
import { OAuthException } from '../errors/oauth.exception.js';
import { serverOrigin } from '../metadata/request-origin.js';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import { SENTINEL_OPTIONS } from '../sentinel.constants.js';
import { TokenFormReader } from '../token/token-form.reader.js';
import { AuthorizationSteps, EXPIRED_REQUEST, type Pending } from './authorization-steps.js';
import {
  browserCookie,
  clearedBrowserCookie,
  isSameOriginPost,
  readBrowserId,
  verifiesCsrfToken,
} from './browser-binding.js';
import { CSRF_FIELD, CSRF_PURPOSE } from './interaction-paths.js';
import { PENDING_AUTHORIZATIONS, SESSION_STORE } from './interaction.tokens.js';
import { PageResponder } from './page-responder.js';
import type { PendingRequestStore } from './pending-request-store.js';
import type { SessionStore } from './session-store.js';
import { StepResponder } from './step-responder.js';

/** The one wording for an unknown user, a wrong password and a disabled user (docs/security.md 29). */
export const SIGN_IN_FAILED = 'The username or password is not right. Try again.';
/** The one wording of a lockout, whichever counter it was (docs/security.md 13). */
export const SIGN_IN_LOCKED = 'Too many failed attempts. Wait a moment, then try again.';

/**
 * The pages a person sees between `/authorize` and the answer, under `interactionPath`
 * (DESIGN.md step 2):
 *
 * - `GET /:id` shows whatever the pending request needs next ({@link AuthorizationSteps});
 * - `POST /:id/sign-in` checks a username and password like the password grant does: the same
 *   lockout counters, the same dummy-hash timing, one wording for every failure
 *   (docs/security.md 29); success starts a session under a new id (no fixation, 26);
 * - `POST /:id/consent` takes Allow or Deny;
 * - `GET /sign-out` asks, `POST /sign-out` deletes the session server-side and the cookie.
 *
 * Every post carries the CSRF token of its form, bound to the browser's cookie, and must come
 * from this origin by `Origin` / `Sec-Fetch-Site` when the browser says (docs/security.md 27).
 */
@Injectable()
export class InteractionController {
  constructor(
    private readonly steps: AuthorizationSteps,
    private readonly stepResponder: StepResponder,
    private readonly pages: PageResponder,
    private readonly formReader: TokenFormReader,
    private readonly passwords: CountedPasswordCheck,
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    @Inject(PENDING_AUTHORIZATIONS)
    private readonly pending: PendingRequestStore<PendingAuthorization>,
    @Inject(SENTINEL_OPTIONS) private readonly options: ResolvedSentinelOptions,
  ) {}

  @Get('sign-out')
  async signOutPage(@Req() request: unknown, @Res() response: unknown): Promise<void> {
    if (this.hostLogin(response)) return;
    const browserId = readBrowserId(request);
    const action = this.stepResponder.paths.signOut();
    if (browserId === undefined) {
      // No cookie: nobody is signed in in this browser.
      const view = { signedOut: true, form: { action, hidden: {} } };
      return this.pages.page(response, 200, 'signOut', view);
    }
    const form = this.stepResponder.form(action, browserId, CSRF_PURPOSE.signOut);
    this.pages.page(response, 200, 'signOut', { signedOut: false, form });
  }

  @Post('sign-out')
  async signOut(@Req() request: unknown, @Res() response: unknown): Promise<void> {
    if (this.hostLogin(response)) return;
    try {
      const form = await this.checkedForm(request, CSRF_PURPOSE.signOut);
      if (form === null) return this.forged(response);
      await this.sessions.end(readBrowserId(request));
      const cookie = clearedBrowserCookie(this.pages.cookieScope(request));
      const view = {
        signedOut: true,
        form: { action: this.stepResponder.paths.signOut(), hidden: {} },
      };
      this.pages.page(response, 200, 'signOut', view, { cookie });
    } catch (error) {
      this.pages.failure(response, error);
    }
  }

  @Get(':id')
  async show(
    @Param('id') id: string,
    @Req() request: unknown,
    @Res() response: unknown,
  ): Promise<void> {
    try {
      const pending = await this.find(id);
      if (pending === null) return this.pages.error(response, 400, EXPIRED_REQUEST);
      const step = await this.steps.next(pending, request);
      this.stepResponder.respond(step, pending, request, response);
    } catch (error) {
      this.pages.failure(response, error);
    }
  }

  @Post(':id/sign-in')
  async signIn(
    @Param('id') id: string,
    @Req() request: unknown,
    @Res() response: unknown,
  ): Promise<void> {
    if (this.hostLogin(response)) return;
    try {
      const form = await this.checkedForm(request, CSRF_PURPOSE.signIn(id));
      if (form === null) return this.forged(response);
      const pending = await this.find(id);
      if (pending === null) return this.pages.error(response, 400, EXPIRED_REQUEST);
      const step = await this.steps.next(pending, request);
      if (step.kind !== 'sign-in')
        return this.stepResponder.respond(step, pending, request, response);
      const username = form.username ?? '';
      const password = form.password;
      if (username === '' || password === undefined) {
        const failure = { message: 'Enter your username and password.', status: 400, username };
        return this.stepResponder.respond(step, pending, request, response, failure);
      }
      const outcome = await this.checkPassword(username, password, request);
      if (outcome.kind === 'refused') {
        const failure = { ...outcome.failure, username };
        return this.stepResponder.respond(step, pending, request, response, failure);
      }
      // The previous id (anonymous, or another user's session) is never reused (docs/security.md 26).
      await this.sessions.end(readBrowserId(request));
      const sessionId = await this.sessions.start(outcome.userId);
      const cookie = browserCookie(sessionId, this.pages.cookieScope(request));
      this.pages.redirect(response, this.stepResponder.paths.request(id), cookie);
    } catch (error) {
      this.pages.failure(response, error);
    }
  }

  @Post(':id/consent')
  async consent(
    @Param('id') id: string,
    @Req() request: unknown,
    @Res() response: unknown,
  ): Promise<void> {
    try {
      const form = await this.checkedForm(request, CSRF_PURPOSE.consent(id));
      if (form === null) return this.forged(response);
      const pending = await this.find(id);
      if (pending === null) return this.pages.error(response, 400, EXPIRED_REQUEST);
      if (form.decision !== 'allow' && form.decision !== 'deny') {
        return this.pages.error(response, 400, {
          title: 'Choose Allow or Deny',
          message: 'Go back and press one of the two buttons.',
        });
      }
      const signedIn = await this.steps.freshSignIn(pending.request, request);
      if (signedIn === null) {
        // Signed out (or expired) since the page was shown: start again from the request page.
        return this.pages.redirect(response, this.stepResponder.paths.request(id));
      }
      const step =
        form.decision === 'deny'
          ? await this.steps.deny(pending)
          : await this.steps.allow(pending, request);
      this.stepResponder.respond(step, pending, request, response);
    } catch (error) {
      this.pages.failure(response, error);
    }
  }

  private async find(id: string): Promise<Pending | null> {
    const request = await this.pending.find(id);
    return request === null ? null : { id, request };
  }

  /**
   * The form of a post from this server's own page, or `null` when it is not: a foreign
   * `Origin` / `Sec-Fetch-Site`, or a CSRF token missing or not this browser's for `purpose`.
   */
  private async checkedForm(
    request: unknown,
    purpose: string,
  ): Promise<Record<string, string> | null> {
    if (!isSameOriginPost(request, serverOrigin(this.options.issuer, request))) return null;
    const form = await this.formReader.read(request, []);
    return verifiesCsrfToken(readBrowserId(request), purpose, form[CSRF_FIELD]) ? form : null;
  }

  /** Checks the credentials as the password grant does (docs/security.md 29). */
  private async checkPassword(
    username: string,
    password: string,
    request: unknown,
  ): Promise<
    | { kind: 'signed-in'; userId: string }
    | {
        kind: 'refused';
        failure: { message: string; status: number; headers?: Record<string, string> };
      }
  > {
    let user;
    try {
      user = await this.passwords.verify(username, password, clientAddress(request));
    } catch (error) {
      if (error instanceof OAuthException && error.getStatus() === 429) {
        const failure = { message: SIGN_IN_LOCKED, status: 429, headers: { ...error.headers } };
        return { kind: 'refused', failure };
      }
      throw error;
    }
    if (user === null)
      return { kind: 'refused', failure: { message: SIGN_IN_FAILED, status: 401 } };
    return { kind: 'signed-in', userId: user.id };
  }

  private forged(response: unknown): void {
    this.pages.error(response, 403, {
      title: 'This form has expired',
      message:
        'It was not sent from this page in this browser (cookies must be enabled). Go back to the app and start again.',
    });
  }

  /** The built-in sign-in and sign-out do not exist when the host app's login is used. */
  private hostLogin(response: unknown): boolean {
    if (this.options.interaction.login === undefined) return false;
    this.pages.error(response, 404, {
      title: 'Not here',
      message: 'Signing in and out is handled by the application.',
    });
    return true;
  }
}
