import { Get, Inject, Injectable, Param, Post, Req, Res } from '@nestjs/common';
import type { PendingAuthorization } from '../authorization/pending-authorization.js';
import { AuthorizationSteps, EXPIRED_REQUEST, type Pending } from './authorization-steps.js';
import { clearedBrowserCookie, readBrowserId } from './browser-binding.js';
import { CSRF_PURPOSE } from './interaction-paths.js';
import { PENDING_AUTHORIZATIONS, SESSION_STORE } from './interaction.tokens.js';
import { PageResponder } from './page-responder.js';
import type { PendingRequestStore } from './pending-request-store.js';
import type { SessionStore } from './session-store.js';
import { SignInHandler } from './sign-in.handler.js';
import { StepResponder } from './step-responder.js';

export { SIGN_IN_FAILED, SIGN_IN_LOCKED } from './sign-in.handler.js';

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
    private readonly forms: SignInHandler,
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    @Inject(PENDING_AUTHORIZATIONS)
    private readonly pending: PendingRequestStore<PendingAuthorization>,
  ) {}

  @Get('sign-out')
  async signOutPage(@Req() request: unknown, @Res() response: unknown): Promise<void> {
    if (this.forms.refusedForHostLogin(response)) return;
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
    if (this.forms.refusedForHostLogin(response)) return;
    try {
      const form = await this.forms.checkedForm(request, CSRF_PURPOSE.signOut);
      if (form === null) return this.forms.forged(response);
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
    if (this.forms.refusedForHostLogin(response)) return;
    try {
      const form = await this.forms.checkedForm(request, CSRF_PURPOSE.signIn(id));
      if (form === null) return this.forms.forged(response);
      const pending = await this.find(id);
      if (pending === null) return this.pages.error(response, 400, EXPIRED_REQUEST);
      const step = await this.steps.next(pending, request);
      if (step.kind !== 'sign-in')
        return this.stepResponder.respond(step, pending, request, response);
      const outcome = await this.forms.signIn(form, request);
      if (outcome.kind === 'refused') {
        return this.stepResponder.respond(step, pending, request, response, outcome.failure);
      }
      this.pages.redirect(response, this.stepResponder.paths.request(id), outcome.cookie);
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
      const form = await this.forms.checkedForm(request, CSRF_PURPOSE.consent(id));
      if (form === null) return this.forms.forged(response);
      const pending = await this.find(id);
      if (pending === null) return this.pages.error(response, 400, EXPIRED_REQUEST);
      if (form.decision !== 'allow' && form.decision !== 'deny') {
        return this.forms.missingDecision(response);
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
}
