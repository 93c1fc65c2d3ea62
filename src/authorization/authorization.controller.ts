import { Get, Inject, Post, Req, Res } from '@nestjs/common';
import { PENDING_AUTHORIZATIONS } from '../interaction/interaction.tokens.js';
import { AuthorizationSteps } from '../interaction/authorization-steps.js';
import { PageResponder } from '../interaction/page-responder.js';
import type { PendingRequestStore } from '../interaction/pending-request-store.js';
import { StepResponder } from '../interaction/step-responder.js';
import { issuerOf } from '../metadata/request-origin.js';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import { SENTINEL_OPTIONS } from '../sentinel.constants.js';
import { TokenFormReader } from '../token/token-form.reader.js';
import { RedirectedError, UnredirectableRequestError } from './authorization-errors.js';
import { readQueryParameters, type ReadParameters } from './authorization-parameters.js';
import { AuthorizationRequestValidator } from './authorization-request.validator.js';
import { errorAnswerUrl } from './authorization-response.js';
import type { PendingAuthorization } from './pending-authorization.js';

/**
 * The authorization endpoint (RFC 6749 §3.1, §4.1.1), `GET` and `POST`, without a path (the
 * module mounts it at `authorizePath`). A valid request is parked server-side and the browser
 * sent to its interaction page (DESIGN.md steps 1–2); `prompt=none` is answered at once.
 * Bad `client_id` / `redirect_uri` → a page; every other error → the client, with `error`,
 * `state` and `iss` (docs/security.md 23).
 */
export class AuthorizationController {
  constructor(
    private readonly validator: AuthorizationRequestValidator,
    private readonly formReader: TokenFormReader,
    private readonly steps: AuthorizationSteps,
    private readonly stepResponder: StepResponder,
    private readonly pages: PageResponder,
    @Inject(PENDING_AUTHORIZATIONS)
    private readonly pending: PendingRequestStore<PendingAuthorization>,
    @Inject(SENTINEL_OPTIONS) private readonly options: ResolvedSentinelOptions,
  ) {}

  @Get()
  async get(@Req() request: unknown, @Res() response: unknown): Promise<void> {
    const read = readQueryParameters(request);
    if (read === null) {
      return this.pages.error(response, 414, {
        title: 'This link is too long',
        message: 'Go back to the app and try again.',
      });
    }
    await this.handle(read, request, response);
  }

  /** RFC 6749 §3.1: the server MAY support POST, with the parameters form-encoded. */
  @Post()
  async post(@Req() request: unknown, @Res() response: unknown): Promise<void> {
    let parameters: Record<string, string>;
    try {
      parameters = await this.formReader.read(request, []);
    } catch (error) {
      return this.pages.failure(response, error);
    }
    await this.handle({ parameters, repeated: new Set() }, request, response);
  }

  private async handle(read: ReadParameters, request: unknown, response: unknown): Promise<void> {
    try {
      const valid = await this.validator.validate(read.parameters, read.repeated);
      const pending: PendingAuthorization = {
        ...valid.request,
        issuer: issuerOf(this.options.issuer, request),
      };
      if (pending.noPrompt) {
        const silent = { id: null, request: pending };
        const step = await this.steps.next(silent, request);
        return this.stepResponder.respond(step, silent, request, response);
      }
      const id = await this.pending.park(pending);
      this.pages.redirect(response, this.stepResponder.paths.request(id));
    } catch (error) {
      this.fail(error, request, response);
    }
  }

  private fail(error: unknown, request: unknown, response: unknown): void {
    if (error instanceof UnredirectableRequestError) {
      return this.pages.error(response, error.status, {
        title: error.title,
        message: `${error.detail} Go back to the app and try again, or contact its developer.`,
      });
    }
    if (error instanceof RedirectedError) {
      let issuer: string;
      try {
        issuer = issuerOf(this.options.issuer, request);
      } catch (hostError) {
        return this.pages.failure(response, hostError);
      }
      const target = { redirectUri: error.redirectUri, state: error.state, issuer };
      return this.pages.redirect(response, errorAnswerUrl(target, error.exception));
    }
    this.pages.failure(response, error);
  }
}
