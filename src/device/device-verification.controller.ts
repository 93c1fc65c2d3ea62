import { Get, Inject, Injectable, Param, Post, Query, Req, Res } from '@nestjs/common';
import { clientAddress } from '../abuse/client-address.js';
import { Clock } from '../clock.js';
import { OAuthException } from '../errors/oauth.exception.js';
import { readBrowserId } from '../interaction/browser-binding.js';
import { CurrentUser } from '../interaction/current-user.js';
import { CSRF_PURPOSE, InteractionPaths } from '../interaction/interaction-paths.js';
import { PageResponder } from '../interaction/page-responder.js';
import { SignInHandler } from '../interaction/sign-in.handler.js';
import { StepResponder } from '../interaction/step-responder.js';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import { SENTINEL_OPTIONS } from '../sentinel.constants.js';
import {
  DeviceApprovalSteps,
  UNKNOWN_CODE,
  type DeviceStop,
  type OpenApproval,
} from './device-approval.steps.js';
import { DEVICE_CSRF_PURPOSE, DevicePaths } from './device-paths.js';
import { timeAgo } from './time-ago.js';
import { displayUserCode, normalizeUserCode } from './user-code.js';
import { UserCodeThrottle } from './user-code-throttle.js';

/** The code-entry page's wording while the address or the browser is locked (ADR 0023). */
export const USER_CODE_LOCKED = 'Too many wrong codes. Wait a moment, then try again.';

/**
 * The device verification pages (RFC 8628 §3.3) under `devicePath`, on the interaction layer
 * (sessions, CSRF, page rules, sign-in — ADR 0018, 0023):
 *
 * - `GET /` the code entry (`verification_uri`); `?user_code=` (`verification_uri_complete`)
 *   only fills the field in — nothing is approved without the person's post (docs/security.md 33);
 * - `POST /` looks the code up, limited per address and per browser ({@link UserCodeThrottle}),
 *   parks the approval and redirects (303) to its page;
 * - `GET /:id` the sign-in (built-in or the host's login), then the confirmation;
 * - `POST /:id/sign-in` the built-in sign-in, the same as the authorization pages';
 * - `POST /:id/decision` Allow or Deny, recorded once.
 */
@Injectable()
export class DeviceVerificationController {
  private readonly paths: DevicePaths;
  private readonly interactionPaths: InteractionPaths;

  constructor(
    private readonly steps: DeviceApprovalSteps,
    private readonly throttle: UserCodeThrottle,
    private readonly forms: SignInHandler,
    private readonly stepResponder: StepResponder,
    private readonly pages: PageResponder,
    private readonly currentUser: CurrentUser,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(SENTINEL_OPTIONS) private readonly options: ResolvedSentinelOptions,
  ) {
    this.paths = new DevicePaths(options.devicePath || '');
    this.interactionPaths = new InteractionPaths(options.interactionPath || '');
  }

  @Get()
  entry(
    @Query('user_code') userCode: unknown,
    @Req() request: unknown,
    @Res() response: unknown,
  ): void {
    // Pre-filled from verification_uri_complete, never looked up here (docs/security.md 33).
    const typed = typeof userCode === 'string' ? userCode.slice(0, 64) : '';
    const canonical = normalizeUserCode(typed);
    this.codePage(request, response, 200, canonical === null ? typed : displayUserCode(canonical));
  }

  @Post()
  async enter(@Req() request: unknown, @Res() response: unknown): Promise<void> {
    try {
      const form = await this.forms.checkedForm(request, DEVICE_CSRF_PURPOSE.code);
      if (form === null) return this.forms.forged(response);
      const typed = (form.user_code ?? '').slice(0, 64);
      if (typed.trim() === '') {
        return this.codePage(request, response, 400, '', 'Enter the code shown on your device.');
      }
      const canonical = normalizeUserCode(typed);
      if (canonical === null) {
        // Cannot match any code, so it is no guess worth counting (RFC 8628 §6.1 alphabet).
        const message = 'A code has 8 letters, like BCDF-GHJK. Check the code on your device.';
        return this.codePage(request, response, 400, typed, message);
      }
      const attempt = await this.beginAttempt(request);
      if ('status' in attempt) {
        return this.codePage(request, response, 429, typed, USER_CODE_LOCKED, attempt.headers);
      }
      let found;
      try {
        found = await this.steps.lookUp(canonical);
      } catch (error) {
        await attempt.abandoned();
        throw error;
      }
      if (found.kind === 'stop') {
        // Unknown is a wrong guess; expired and used codes exist, so they are no guess.
        if (found === UNKNOWN_CODE) attempt.failed();
        else await attempt.succeeded();
        return this.codePage(request, response, found.status, typed, found.message);
      }
      await attempt.succeeded();
      const id = await this.steps.park(found.deviceDigest, canonical);
      this.pages.redirect(response, this.paths.approval(id));
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
      const approval = await this.steps.open(id);
      if (approval.kind === 'stop') return this.stop(response, approval);
      const signedIn = await this.currentUser.of(request);
      if (signedIn === null) {
        const host = this.currentUser.host;
        if (host !== null) {
          return this.pages.redirect(response, host.signInUrl(this.paths.approval(id), request));
        }
        return this.signInPage(request, response, approval);
      }
      const scopes = this.steps.scopeFor(approval, signedIn);
      if (!Array.isArray(scopes)) return this.stop(response, scopes);
      const { browserId, extras } = this.stepResponder.browserBinding(request);
      const view = {
        form: this.stepResponder.form(
          this.paths.decision(id),
          browserId,
          DEVICE_CSRF_PURPOSE.decision(id),
        ),
        clientName: approval.client.clientName,
        username: signedIn.user.username,
        scopes: scopes.map((scope) => ({
          scope,
          description: this.options.interaction.scopeDescriptions[scope],
        })),
        userCode: displayUserCode(approval.userCode),
        requestedAgo: timeAgo(this.clock.now() - approval.authorization.requestedAt),
        signOut:
          this.currentUser.host === null
            ? this.stepResponder.form(
                this.interactionPaths.signOut(),
                browserId,
                CSRF_PURPOSE.signOut,
              )
            : undefined,
      };
      this.pages.page(response, 200, 'deviceConfirm', view, extras);
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
      const form = await this.forms.checkedForm(request, DEVICE_CSRF_PURPOSE.signIn(id));
      if (form === null) return this.forms.forged(response);
      const approval = await this.steps.open(id);
      if (approval.kind === 'stop') return this.stop(response, approval);
      const outcome = await this.forms.signIn(form, request);
      if (outcome.kind === 'refused') {
        return this.signInPage(request, response, approval, outcome.failure);
      }
      this.pages.redirect(response, this.paths.approval(id), outcome.cookie);
    } catch (error) {
      this.pages.failure(response, error);
    }
  }

  @Post(':id/decision')
  async decide(
    @Param('id') id: string,
    @Req() request: unknown,
    @Res() response: unknown,
  ): Promise<void> {
    try {
      const form = await this.forms.checkedForm(request, DEVICE_CSRF_PURPOSE.decision(id));
      if (form === null) return this.forms.forged(response);
      const decision = form.decision;
      if (decision !== 'allow' && decision !== 'deny') {
        return this.forms.missingDecision(response);
      }
      const approval = await this.steps.open(id);
      if (approval.kind === 'stop') return this.stop(response, approval);
      const signedIn = await this.currentUser.of(request);
      // Signed out (or expired) since the page was shown: the approval page asks again.
      if (signedIn === null) return this.pages.redirect(response, this.paths.approval(id));
      const result = await this.steps.decide(approval, signedIn, decision);
      if (result.kind === 'stop') return this.stop(response, result);
      const view = { outcome: result.outcome, clientName: approval.client.clientName };
      this.pages.page(response, 200, 'deviceDone', view);
    } catch (error) {
      this.pages.failure(response, error);
    }
  }

  /** Counts the entry, or the lockout's status and `Retry-After` (429). */
  private async beginAttempt(request: unknown) {
    try {
      // checkedForm verified the CSRF token, so the browser has its id.
      return await this.throttle.begin(clientAddress(request), readBrowserId(request)!);
    } catch (error) {
      if (error instanceof OAuthException && error.getStatus() === 429) {
        return { status: 429, headers: { ...error.headers } };
      }
      throw error;
    }
  }

  private codePage(
    request: unknown,
    response: unknown,
    status: number,
    userCode: string,
    error?: string,
    headers?: Record<string, string>,
  ): void {
    const { browserId, extras } = this.stepResponder.browserBinding(request, { headers });
    const form = this.stepResponder.form(this.paths.entry(), browserId, DEVICE_CSRF_PURPOSE.code);
    this.pages.page(response, status, 'deviceCode', { form, userCode, error }, extras);
  }

  private signInPage(
    request: unknown,
    response: unknown,
    approval: OpenApproval,
    failure?: Parameters<StepResponder['signInPage']>[4],
  ): void {
    const page = {
      action: this.paths.signIn(approval.id),
      purpose: DEVICE_CSRF_PURPOSE.signIn(approval.id),
    };
    this.stepResponder.signInPage(response, request, approval.client.clientName, page, failure);
  }

  private stop(response: unknown, stop: DeviceStop): void {
    this.pages.error(response, stop.status, { title: stop.title, message: stop.message });
  }
}
