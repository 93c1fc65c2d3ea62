import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../clock.js';
import { digest } from '../crypto/digest.js';
import { OAuthException } from '../errors/oauth.exception.js';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import { SENTINEL_OPTIONS } from '../sentinel.constants.js';
import type { SentinelClient } from '../storage/client-store.js';
import { TokenStore, type TokenRecord } from '../storage/token-store.js';
import { UserStore } from '../storage/user-store.js';
import type { TokenForm } from '../token/grants/grant.js';
import type { IntrospectionResponse } from './introspection-response.js';

/**
 * The introspection endpoint's decision (RFC 7662 §2; docs/security.md 11, 18). The client is
 * already authenticated as a confidential client and counted by the rate limiter.
 *
 * - `token` missing → 400 `invalid_request`.
 * - Access tokens only: the token is looked up by digest in the token store (the source of
 *   truth, so a revocation is seen at once). Refresh tokens are never reported active: only
 *   the token endpoint consumes them, and no resource server needs to ask about one.
 *   `token_type_hint` therefore changes nothing and is ignored (§2.1 allows it).
 * - Policy: a client may introspect the tokens issued to itself; a client listed in
 *   `introspection.resourceServers` may introspect any client's tokens. Anything else —
 *   unknown, expired, revoked, refresh, another client's, a user since deleted or disabled —
 *   is exactly `{"active": false}`, indistinguishable from each other (§2.2).
 * - A storage failure propagates (503 via the filter), never `active: false`.
 */
@Injectable()
export class IntrospectionService {
  constructor(
    @Inject(TokenStore) private readonly tokens: TokenStore,
    @Inject(UserStore) private readonly users: UserStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(SENTINEL_OPTIONS) private readonly options: ResolvedSentinelOptions,
  ) {}

  /** @throws OAuthException `invalid_request` (400); storage errors as they come (503). */
  async introspect(form: TokenForm, client: SentinelClient): Promise<IntrospectionResponse> {
    const token = form.token;
    if (token === undefined) throw OAuthException.invalidRequest('Missing parameter: token');
    const record = await this.tokens.findByAccessDigest(digest(token));
    if (record === null || !this.isLive(record) || !this.mayIntrospect(client, record)) {
      return { active: false };
    }
    let owner: { username: string; sub: string } | undefined;
    if (record.userId !== null) {
      const user = await this.users.findById(record.userId);
      if (user === null || user.disabled) return { active: false };
      owner = { username: user.username, sub: user.id };
    }
    return {
      active: true,
      scope: record.scope,
      client_id: record.clientId,
      ...(owner === undefined ? {} : { username: owner.username }),
      token_type: 'Bearer',
      exp: Math.floor(record.accessExpiresAt.getTime() / 1000),
      iat: Math.floor(record.issuedAt.getTime() / 1000),
      ...(owner === undefined ? {} : { sub: owner.sub }),
    };
  }

  /** The introspection policy: own tokens, or any token for a listed resource server. */
  protected mayIntrospect(client: SentinelClient, record: TokenRecord): boolean {
    return (
      record.clientId === client.clientId ||
      this.options.introspection.resourceServers.includes(client.clientId)
    );
  }

  private isLive(record: TokenRecord): boolean {
    return !record.revoked && record.accessExpiresAt.getTime() > this.clock.now();
  }
}
