import { Inject, Injectable, Optional } from '@nestjs/common';
import { BruteForceLimiter } from '../abuse/brute-force.limiter.js';
import type { RequestOrigin } from '../abuse/client-address.js';
import { OAuthException } from '../errors/oauth.exception.js';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import { SENTINEL_OPTIONS } from '../sentinel.constants.js';
import { ClientStore, type SentinelClient } from '../storage/client-store.js';
import type { TokenForm } from './grants/grant.js';

/** What the request presented as client credentials, before they are checked. */
export interface PresentedClientCredentials {
  clientId: string;
  /** `undefined` when no secret (or an empty one) was sent. */
  clientSecret?: string;
  /** Whether the client used the `Authorization` header (then a 401 carries a Basic challenge). */
  usedAuthorizationHeader: boolean;
}

const CLIENT_AUTHENTICATION_FAILED = 'Client authentication failed';
const BASIC_CREDENTIALS = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i;

/**
 * Authenticates the client of a token request (RFC 6749 §2.3, §3.2.1; docs/security.md 5):
 *
 * - HTTP Basic (§2.3.1): id and secret are form-urlencoded before being put into Basic, so both
 *   are decoded (`+` → space, then percent-decoding). A malformed header — another scheme, bad
 *   base64, bytes that are not UTF-8, no colon, bad percent-encoding — is 401 `invalid_client`
 *   with `WWW-Authenticate: Basic`, never a 500.
 * - `client_secret_post`: `client_id` and `client_secret` in the body.
 * - Both methods at once (a Basic header and a body `client_secret`, or a body `client_id` that
 *   differs from the Basic one) → 400 `invalid_request`: §2.3 allows one method per request.
 * - Public clients authenticate by `client_id` alone and must not send a secret; confidential
 *   clients must present theirs ({@link ClientStore.verifySecret}, constant-time on digests).
 * - No `client_id` at all → 401 `invalid_client`: §5.2 names "no client authentication
 *   included" as `invalid_client`.
 *
 * Every failure has the same description, so the response does not tell an unknown client from
 * a wrong secret or a secret sent for a public client.
 *
 * Failed authentications are counted per client address by the brute-force limiter
 * (docs/security.md 13, ADR 0011): once an address has used its free failures, each further failure
 * from it is answered 429 with `Retry-After` instead of 401, with a doubling lockout. The secret
 * is always checked first and a correct one is never refused: secrets are server-generated and
 * 256-bit, so there is nothing to guess, and counting per `client_id` only let strangers lock a
 * client out of its own secret (issue 15). Nothing is counted per `client_id`.
 */
@Injectable()
export class ClientAuthenticator {
  constructor(
    @Inject(ClientStore) private readonly clients: ClientStore,
    @Inject(SENTINEL_OPTIONS) private readonly options: ResolvedSentinelOptions,
    @Optional()
    @Inject(BruteForceLimiter)
    private readonly limiter: BruteForceLimiter | null = null,
  ) {}

  /**
   * @param form the flat token request form.
   * @param authorization the raw `Authorization` header, if any.
   * @param origin where the request came from; failures are counted per address (ADR 0011).
   * @returns the authenticated client.
   * @throws OAuthException `invalid_client` (401), `invalid_request` (400), or 429 once the
   * address has failed too often.
   */
  async authenticate(
    form: TokenForm,
    authorization: string | undefined,
    origin: RequestOrigin = {},
  ): Promise<SentinelClient> {
    const presented = this.extractCredentials(form, authorization);
    const client = await this.verify(presented);
    if (!client) throw await this.failed(presented, origin);
    return client;
  }

  /**
   * Like {@link authenticate}, but only a confidential client that presented its secret passes:
   * for endpoints where a public client's `client_id` alone is not enough (introspection,
   * RFC 7662 §2.1). A public client gets the same 401 `invalid_client` as a wrong secret.
   */
  async authenticateConfidential(
    form: TokenForm,
    authorization: string | undefined,
    origin: RequestOrigin = {},
  ): Promise<SentinelClient> {
    const presented = this.extractCredentials(form, authorization);
    const client = presented.clientSecret === undefined ? null : await this.verify(presented);
    if (client?.clientType !== 'confidential') throw await this.failed(presented, origin);
    return client;
  }

  /** Reads the client credentials from the header or the body, refusing ambiguity. */
  protected extractCredentials(
    form: TokenForm,
    authorization: string | undefined,
  ): PresentedClientCredentials {
    if (authorization === undefined) {
      const clientId = form.client_id;
      if (clientId === undefined) throw this.failure(false);
      return { clientId, clientSecret: form.client_secret, usedAuthorizationHeader: false };
    }
    if (form.client_secret !== undefined) {
      throw OAuthException.invalidRequest('Use one client authentication method, not two');
    }
    const basic = this.parseBasic(authorization);
    if (form.client_id !== undefined && form.client_id !== basic.clientId) {
      throw OAuthException.invalidRequest(
        'client_id in the body does not match the Authorization header',
      );
    }
    return basic;
  }

  /** Parses `Authorization: Basic …` per RFC 6749 §2.3.1 and RFC 7617. */
  protected parseBasic(authorization: string): PresentedClientCredentials {
    const match = BASIC_CREDENTIALS.exec(authorization);
    if (!match || match[1].length % 4 !== 0) throw this.failure(true);
    let decoded: string;
    try {
      decoded = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(match[1], 'base64'));
    } catch {
      throw this.failure(true);
    }
    const colon = decoded.indexOf(':');
    if (colon < 0) throw this.failure(true);
    const clientId = formUrlDecode(decoded.slice(0, colon));
    const clientSecret = formUrlDecode(decoded.slice(colon + 1));
    if (clientId === undefined || clientSecret === undefined || clientId === '') {
      throw this.failure(true);
    }
    return {
      clientId,
      clientSecret: clientSecret === '' ? undefined : clientSecret,
      usedAuthorizationHeader: true,
    };
  }

  /** Checks presented credentials against the store; `null` when they do not authenticate. */
  protected async verify(presented: PresentedClientCredentials): Promise<SentinelClient | null> {
    if (presented.clientSecret !== undefined) {
      const client = await this.clients.verifySecret(presented.clientId, presented.clientSecret);
      // A public client has no secret to match; sending one is a failed authentication.
      return client?.clientType === 'confidential' ? client : null;
    }
    const client = await this.clients.findById(presented.clientId);
    return client?.clientType === 'public' ? client : null;
  }

  /**
   * The error for credentials that did not authenticate, after counting the failure against
   * the client address: 429 once that address is locked, else 401 `invalid_client`.
   */
  protected async failed(
    presented: PresentedClientCredentials,
    origin: RequestOrigin,
  ): Promise<OAuthException> {
    // Throws the 429 itself when the address is locked.
    await this.limiter?.clientAuthenticationFailed(origin.address);
    return this.failure(presented.usedAuthorizationHeader);
  }

  protected failure(usedAuthorizationHeader: boolean): OAuthException {
    return OAuthException.invalidClient(
      CLIENT_AUTHENTICATION_FAILED,
      usedAuthorizationHeader ? this.options.realm : undefined,
    );
  }
}

/** `application/x-www-form-urlencoded` decoding of one value; `undefined` when malformed. */
function formUrlDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
