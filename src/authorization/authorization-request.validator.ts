import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../clock.js';
import { OAuthException } from '../errors/oauth.exception.js';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import { SENTINEL_OPTIONS } from '../sentinel.constants.js';
import { ClientStore, type SentinelClient } from '../storage/client-store.js';
import { parseScope, resolveScope } from '../token/scope.js';
import { RedirectedError, UnredirectableRequestError } from './authorization-errors.js';
import type { PendingAuthorization } from './pending-authorization.js';
import { isS256Challenge, PKCE_METHOD } from './pkce.js';
import { chooseRedirectUri } from './redirect-uris.js';

/** The grant type a client must list to use the authorization endpoint (RFC 6749 §4.1). */
export const AUTHORIZATION_CODE = 'authorization_code';

/** Longest `state` kept (it is returned in a URL); longer is `invalid_request`. */
export const MAX_STATE_LENGTH = 2000;

const PROMPTS = new Set(['none', 'login', 'consent']);

/** The request's parameters, each given at most once. */
export type AuthorizationParameters = Readonly<Record<string, string>>;

/** A request that passed every check, and the client it names. */
export interface ValidAuthorization {
  request: Omit<PendingAuthorization, 'issuer'>;
  client: SentinelClient;
}

/**
 * Checks an authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3) in the order §4.1.2.1 asks:
 *
 * 1. `client_id`, then `redirect_uri` (matched against the registered ones, redirect-uris.ts):
 *    a problem with either is an {@link UnredirectableRequestError}, shown on a page and never
 *    redirected (docs/security.md 23);
 * 2. every other problem is a {@link RedirectedError}: a repeated parameter, `response_type`
 *    other than `code` (`unsupported_response_type`; implicit is not offered, RFC 9700 §2.1.2),
 *    a client that does not list `authorization_code` (`unauthorized_client`), the scope
 *    (`invalid_scope`), PKCE (S256 only; required for public clients and, unless relaxed, for
 *    confidential ones — docs/security.md 24, ADR 0021), `prompt` and `response_mode`.
 */
@Injectable()
export class AuthorizationRequestValidator {
  constructor(
    @Inject(ClientStore) private readonly clients: ClientStore,
    @Inject(SENTINEL_OPTIONS) private readonly options: ResolvedSentinelOptions,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /**
   * @param repeated names given more than once (§3.1: parameters "MUST NOT be included more
   *   than once"); their values are not in `parameters`.
   */
  async validate(
    parameters: AuthorizationParameters,
    repeated: ReadonlySet<string>,
  ): Promise<ValidAuthorization> {
    const client = await this.client(parameters, repeated);
    const redirectUri = this.redirectUri(client, parameters, repeated);
    try {
      return {
        client,
        request: {
          clientId: client.clientId,
          redirectUri,
          redirectUriGiven: parameters.redirect_uri !== undefined,
          ...this.checkRest(client, parameters, repeated),
          requestedAt: this.clock.now(),
        },
      };
    } catch (error) {
      if (error instanceof OAuthException) {
        throw new RedirectedError(error, redirectUri, parameters.state ?? null);
      }
      throw error;
    }
  }

  private async client(
    parameters: AuthorizationParameters,
    repeated: ReadonlySet<string>,
  ): Promise<SentinelClient> {
    if (repeated.has('client_id')) {
      throw new UnredirectableRequestError('This link is broken', 'client_id is given twice.');
    }
    const clientId = parameters.client_id;
    if (clientId === undefined) {
      throw new UnredirectableRequestError(
        'This link is broken',
        'The request does not say which app is asking (client_id is missing).',
      );
    }
    const client = await this.clients.findById(clientId);
    if (client === null) {
      throw new UnredirectableRequestError(
        'Unknown app',
        'The app that sent you here is not registered with this server (unknown client_id).',
      );
    }
    return client;
  }

  private redirectUri(
    client: SentinelClient,
    parameters: AuthorizationParameters,
    repeated: ReadonlySet<string>,
  ): string {
    if (repeated.has('redirect_uri')) {
      throw new UnredirectableRequestError('This link is broken', 'redirect_uri is given twice.');
    }
    const chosen = chooseRedirectUri(client.redirectUris, parameters.redirect_uri);
    if (chosen !== undefined) return chosen;
    throw new UnredirectableRequestError(
      'This link cannot be used',
      parameters.redirect_uri === undefined
        ? `The app “${client.clientName}” did not say where to return you (redirect_uri is missing).`
        : `The app “${client.clientName}” asked to return you to an address it has not registered.`,
    );
  }

  /** Steps after the redirect URI is known; any OAuthException here is redirected. */
  private checkRest(
    client: SentinelClient,
    parameters: AuthorizationParameters,
    repeated: ReadonlySet<string>,
  ): Pick<
    PendingAuthorization,
    'scope' | 'state' | 'codeChallenge' | 'loginRequired' | 'consentRequired' | 'noPrompt'
  > {
    const [first] = repeated;
    if (first !== undefined) {
      throw OAuthException.invalidRequest(`Parameter ${first} is repeated`);
    }
    const responseType = parameters.response_type;
    if (responseType === undefined) {
      throw OAuthException.invalidRequest('Missing parameter: response_type');
    }
    if (responseType !== 'code') {
      throw OAuthException.unsupportedResponseType('Only response_type=code is supported');
    }
    const responseMode = parameters.response_mode;
    if (responseMode !== undefined && responseMode !== 'query') {
      throw OAuthException.invalidRequest('Only response_mode=query is supported');
    }
    if (!client.grantTypes.includes(AUTHORIZATION_CODE)) {
      throw OAuthException.unauthorizedClient(
        'The client is not allowed to use the authorization code grant',
      );
    }
    const state = parameters.state ?? null;
    if (state !== null && state.length > MAX_STATE_LENGTH) {
      throw OAuthException.invalidRequest(`state must be at most ${MAX_STATE_LENGTH} characters`);
    }
    const scope = parameters.scope === undefined ? null : parseScope(parameters.scope);
    resolveScope(scope ?? undefined, { client: client.scope });
    const prompts = this.prompts(parameters.prompt);
    return {
      scope,
      state,
      codeChallenge: this.codeChallenge(client, parameters),
      loginRequired: prompts.has('login'),
      consentRequired: prompts.has('consent'),
      noPrompt: prompts.has('none'),
    };
  }

  /** RFC 7636 §4.3 with the policy of docs/security.md 24 (ADR 0021). */
  private codeChallenge(
    client: SentinelClient,
    parameters: AuthorizationParameters,
  ): string | null {
    const challenge = parameters.code_challenge;
    const method = parameters.code_challenge_method;
    if (challenge === undefined) {
      if (method !== undefined) {
        throw OAuthException.invalidRequest('code_challenge_method without code_challenge');
      }
      const relaxed =
        client.clientType === 'confidential' &&
        !this.options.authorizationCode.requirePkceForConfidentialClients;
      if (relaxed) return null;
      throw OAuthException.invalidRequest(
        'PKCE is required: send code_challenge with code_challenge_method=S256',
      );
    }
    // An omitted method means `plain` (RFC 7636 §4.3), which is refused (RFC 9700 §2.1.1).
    if (method !== PKCE_METHOD) {
      throw OAuthException.invalidRequest('code_challenge_method must be S256');
    }
    if (!isS256Challenge(challenge)) {
      throw OAuthException.invalidRequest(
        'code_challenge must be a base64url SHA-256 digest (43 characters)',
      );
    }
    return challenge;
  }

  /** `prompt`: a space-delimited set of none, login, consent; `none` stands alone. */
  private prompts(value: string | undefined): Set<string> {
    const prompts = new Set((value ?? '').split(' ').filter((prompt) => prompt !== ''));
    for (const prompt of prompts) {
      if (!PROMPTS.has(prompt)) {
        throw OAuthException.invalidRequest('prompt must be none, login or consent');
      }
    }
    if (prompts.has('none') && prompts.size > 1) {
      throw OAuthException.invalidRequest('prompt=none cannot be combined with other values');
    }
    return prompts;
  }
}
