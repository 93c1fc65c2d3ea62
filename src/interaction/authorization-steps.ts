import { Inject, Injectable } from '@nestjs/common';
import { AuthorizationCompletion } from '../authorization/authorization-completion.js';
import type { PendingAuthorization } from '../authorization/pending-authorization.js';
import { redirectUriMatches } from '../authorization/redirect-uris.js';
import { Clock } from '../clock.js';
import { OAuthException } from '../errors/oauth.exception.js';
import { ClientStore, type SentinelClient } from '../storage/client-store.js';
import { ConsentStore, type SentinelConsent } from '../storage/consent-store.js';
import { parseScope, resolveScope } from '../token/scope.js';
import { needsConsent } from './consent-policy.js';
import { CurrentUser, type SignedIn } from './current-user.js';
import { PENDING_AUTHORIZATIONS } from './interaction.tokens.js';
import type { PendingRequestStore } from './pending-request-store.js';

/** What happens next with a pending authorization request. */
export type AuthorizationStep =
  /** Show the built-in sign-in page. */
  | { kind: 'sign-in'; client: SentinelClient }
  /** Send the browser to the host app's login. */
  | { kind: 'host-sign-in'; client: SentinelClient }
  /** Ask the person. */
  | {
      kind: 'consent';
      client: SentinelClient;
      signedIn: SignedIn;
      scopes: string[];
      remembered: SentinelConsent | null;
    }
  /** Done: go to the client (a code or an error). */
  | { kind: 'answer'; location: string }
  /** The request is gone (expired, answered) or its client changed: a page, no redirect. */
  | GoneStep;

/** A request that can no longer be answered: shown on a page, never redirected. */
export interface GoneStep {
  kind: 'gone';
  title: string;
  message: string;
}

/** A pending request: its id (`null` for `prompt=none`, which is never parked) and content. */
export interface Pending {
  id: string | null;
  request: PendingAuthorization;
}

/**
 * The steps between `/authorize` and the answer (DESIGN.md, step 2), decided from the server's
 * own state only — the parked request, the session or host login, the client, the remembered
 * consent — never from what the browser sends (docs/security.md 34):
 *
 * 1. the client still exists and still has the redirect URI (else a page; no redirect);
 * 2. somebody is signed in, freshly enough for `prompt=login` (docs/security.md 31); else the
 *    sign-in page, the host's login, or `login_required` for `prompt=none`;
 * 3. the scope is within the client's and the user's limits (else `invalid_scope`);
 * 4. consent ({@link needsConsent}); else the consent page, or `consent_required`;
 * 5. the answer: the request is used up and a code minted.
 */
@Injectable()
export class AuthorizationSteps {
  constructor(
    @Inject(ClientStore) private readonly clients: ClientStore,
    @Inject(ConsentStore) private readonly consents: ConsentStore,
    @Inject(PENDING_AUTHORIZATIONS)
    private readonly pending: PendingRequestStore<PendingAuthorization>,
    private readonly currentUser: CurrentUser,
    private readonly completion: AuthorizationCompletion,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async next(pending: Pending, request: unknown): Promise<AuthorizationStep> {
    const ready = await this.prepare(pending, request);
    if ('kind' in ready) return ready;
    const { client, signedIn, scopes } = ready;
    const remembered = await this.consents.find(signedIn.user.id, client.clientId);
    const ask = needsConsent(
      client,
      pending.request.redirectUri,
      scopes,
      remembered,
      pending.request.consentRequired,
    );
    if (!ask) return this.grant(pending, signedIn, scopes);
    if (pending.request.noPrompt) {
      return this.refuse(
        pending,
        OAuthException.consentRequired('The user has not consented to this request'),
      );
    }
    return { kind: 'consent', client, signedIn, scopes, remembered };
  }

  /**
   * The person allowed the request shown on the consent page: steps 1–3 again, then the
   * consent is remembered, the request used up and a code minted.
   */
  async allow(pending: Pending, request: unknown): Promise<AuthorizationStep> {
    const ready = await this.prepare(pending, request);
    if ('kind' in ready) return ready;
    const { client, signedIn, scopes } = ready;
    await this.consents.grant(
      signedIn.user.id,
      client.clientId,
      scopes,
      new Date(this.clock.now()),
    );
    return this.grant(pending, signedIn, scopes);
  }

  /** The person denied the request: `access_denied` at the client (RFC 6749 §4.1.2.1). */
  async deny(pending: Pending): Promise<AuthorizationStep> {
    return this.refuse(pending, OAuthException.accessDenied('The user denied the request'));
  }

  /** The signed-in person, when they signed in after the request for `prompt=login`. */
  async freshSignIn(pending: PendingAuthorization, request: unknown): Promise<SignedIn | null> {
    const signedIn = await this.currentUser.of(request);
    if (signedIn === null) return null;
    if (pending.loginRequired && signedIn.signedInAt < pending.requestedAt) return null;
    return signedIn;
  }

  /** Steps 1–3: the client, the signed-in person and the scope; or the step that stops there. */
  private async prepare(
    pending: Pending,
    request: unknown,
  ): Promise<AuthorizationStep | { client: SentinelClient; signedIn: SignedIn; scopes: string[] }> {
    const client = await this.liveClient(pending.request);
    if (client === null) return CLIENT_CHANGED;
    const signedIn = await this.freshSignIn(pending.request, request);
    if (signedIn === null) {
      if (pending.request.noPrompt) {
        return this.refuse(pending, OAuthException.loginRequired('Nobody is signed in'));
      }
      return { kind: this.currentUser.host === null ? 'sign-in' : 'host-sign-in', client };
    }
    try {
      return { client, signedIn, scopes: this.grantedScope(pending.request, client, signedIn) };
    } catch (error) {
      if (error instanceof OAuthException) return this.refuse(pending, error);
      throw error;
    }
  }

  private async liveClient(pending: PendingAuthorization): Promise<SentinelClient | null> {
    const client = await this.clients.findById(pending.clientId);
    if (client === null) return null;
    const registered = client.redirectUris.some((uri) =>
      redirectUriMatches(uri, pending.redirectUri),
    );
    return registered ? client : null;
  }

  private grantedScope(
    pending: PendingAuthorization,
    client: SentinelClient,
    signedIn: SignedIn,
  ): string[] {
    const scope = resolveScope(pending.scope ?? undefined, {
      client: client.scope,
      user: signedIn.user.scope,
    });
    return scope === '' ? [] : parseScope(scope);
  }

  private async grant(
    pending: Pending,
    signedIn: SignedIn,
    scopes: string[],
  ): Promise<AuthorizationStep> {
    if (!(await this.useUp(pending))) return ALREADY_ANSWERED;
    const location = await this.completion.grant(
      pending.request,
      signedIn.user.id,
      scopes.join(' '),
    );
    return { kind: 'answer', location };
  }

  private async refuse(pending: Pending, error: OAuthException): Promise<AuthorizationStep> {
    if (!(await this.useUp(pending))) return ALREADY_ANSWERED;
    return { kind: 'answer', location: this.completion.refuse(pending.request, error) };
  }

  /** Takes the request out of the store: of two concurrent answers, one goes through. */
  private async useUp(pending: Pending): Promise<boolean> {
    return pending.id === null || (await this.pending.take(pending.id)) !== null;
  }
}

const CLIENT_CHANGED: GoneStep = {
  kind: 'gone',
  title: 'This request can no longer be completed',
  message:
    'The app that asked was removed or changed its settings. Go back to the app and try again.',
};

export const ALREADY_ANSWERED: GoneStep = {
  kind: 'gone',
  title: 'This request was already answered',
  message: 'It cannot be used twice. Go back to the app and start again.',
};

export const EXPIRED_REQUEST: GoneStep = {
  kind: 'gone',
  title: 'This sign-in request has expired',
  message: 'Sign-in requests are valid for a few minutes. Go back to the app and start again.',
};
