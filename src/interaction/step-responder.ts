import { Inject, Injectable } from '@nestjs/common';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import { SENTINEL_OPTIONS } from '../sentinel.constants.js';
import type { AuthorizationStep, Pending } from './authorization-steps.js';
import { CurrentUser } from './current-user.js';
import { browserCookie, csrfToken, newBrowserId, readBrowserId } from './browser-binding.js';
import { CSRF_FIELD, CSRF_PURPOSE, InteractionPaths } from './interaction-paths.js';
import { PageResponder, type PageExtras } from './page-responder.js';
import { redirectSource } from './pages/page-headers.js';
import type { PageForm } from './pages/page-views.js';

/** A failed sign-in attempt to show on the page again. */
export interface SignInFailure {
  message: string;
  status: number;
  username: string;
  headers?: Record<string, string>;
}

/**
 * Turns an {@link AuthorizationStep} into the answer: a page (sign-in, consent, gone) or a
 * `303` (to the host's login, or to the client). Pages with forms get the browser cookie their
 * CSRF tokens are bound to, set here when the browser has none yet (ADR 0018).
 */
@Injectable()
export class StepResponder {
  readonly paths: InteractionPaths;

  constructor(
    private readonly pages: PageResponder,
    private readonly currentUser: CurrentUser,
    @Inject(SENTINEL_OPTIONS) private readonly options: ResolvedSentinelOptions,
  ) {
    this.paths = new InteractionPaths(options.interactionPath || '');
  }

  respond(
    step: AuthorizationStep,
    pending: Pending,
    request: unknown,
    response: unknown,
    failure?: SignInFailure,
  ): void {
    if (step.kind === 'answer') return this.pages.redirect(response, step.location);
    const id = pending.id;
    if (step.kind === 'gone' || id === null) {
      return this.pages.error(response, 400, step.kind === 'gone' ? step : UNEXPECTED);
    }
    if (step.kind === 'host-sign-in') {
      const host = this.currentUser.host;
      return this.pages.redirect(response, host!.signInUrl(this.paths.request(id), request));
    }
    const formTarget = redirectSource(pending.request.redirectUri);
    if (step.kind === 'sign-in') {
      const page = { action: this.paths.signIn(id), purpose: CSRF_PURPOSE.signIn(id), formTarget };
      return this.signInPage(response, request, step.client.clientName, page, failure);
    }
    const { browserId, extras } = this.browserBinding(request, { formTarget });
    const view = {
      form: this.form(this.paths.consent(id), browserId, CSRF_PURPOSE.consent(id)),
      clientName: step.client.clientName,
      username: step.signedIn.user.username,
      scopes: step.scopes.map((scope) => ({
        scope,
        description: this.options.interaction.scopeDescriptions[scope],
      })),
      previouslyGranted: step.remembered?.scope.split(' ').filter((s) => s !== '') ?? [],
      destination: destinationOf(pending.request.redirectUri),
      signOut:
        this.currentUser.host === null
          ? this.form(this.paths.signOut(), browserId, CSRF_PURPOSE.signOut)
          : undefined,
    };
    return this.pages.page(response, 200, 'consent', view, extras);
  }

  /**
   * The built-in sign-in page for `clientName`, its form posting to `page.action` with the CSRF
   * token of `page.purpose`: the authorization request's and the device verification's
   * (RFC 8628 §3.3) alike. `failure` is the last attempt's, shown with its status and headers.
   */
  signInPage(
    response: unknown,
    request: unknown,
    clientName: string,
    page: { action: string; purpose: string; formTarget?: string },
    failure?: SignInFailure,
  ): void {
    const { browserId, extras } = this.browserBinding(request, {
      formTarget: page.formTarget,
      headers: failure?.headers,
    });
    const view = {
      form: this.form(page.action, browserId, page.purpose),
      clientName,
      username: failure?.username ?? '',
      error: failure?.message,
    };
    this.pages.page(response, failure?.status ?? 200, 'signIn', view, extras);
  }

  /**
   * The browser's id that a page's CSRF tokens are bound to, and the page extras that set the
   * cookie when the browser has none yet (ADR 0018).
   */
  browserBinding(
    request: unknown,
    extras: PageExtras = {},
  ): { browserId: string; extras: PageExtras } {
    const existing = readBrowserId(request);
    const browserId = existing ?? newBrowserId();
    const cookie =
      existing === undefined
        ? browserCookie(browserId, this.pages.cookieScope(request))
        : undefined;
    return { browserId, extras: { ...extras, cookie } };
  }

  /** A form posting to `action` with the CSRF token of `purpose` for this browser. */
  form(action: string, browserId: string, purpose: string): PageForm {
    return { action, hidden: { [CSRF_FIELD]: csrfToken(browserId, purpose) } };
  }
}

/** How the consent page names where the answer goes: the origin, or a native app's scheme. */
function destinationOf(redirectUri: string): string {
  const url = new URL(redirectUri);
  return url.protocol === 'https:' || url.protocol === 'http:'
    ? url.host
    : `the app (${url.protocol.slice(0, -1)})`;
}

const UNEXPECTED = {
  title: 'Something went wrong',
  message: 'Go back to the app and try again.',
};
