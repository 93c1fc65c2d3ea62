import { Inject, Injectable } from '@nestjs/common';
import { digest } from '../crypto/digest.js';
import { OAuthException } from '../errors/oauth.exception.js';
import type { SentinelClient } from '../storage/client-store.js';
import { TokenStore, type TokenRecord } from '../storage/token-store.js';
import type { TokenForm } from '../token/grants/grant.js';
import { TokenRevocationService } from './token-revocation.service.js';

/** The `token_type_hint` values of RFC 7009 §2.1 this server understands. */
export type TokenTypeHint = 'access_token' | 'refresh_token';

/** A presented token, found by its digest, and which of the record's two tokens it is. */
export interface FoundToken {
  type: TokenTypeHint;
  record: TokenRecord;
}

/**
 * The revocation endpoint's decision flow (RFC 7009 §2; docs/security.md 9, 10). The client is
 * already authenticated.
 *
 * - `token` missing → 400 `invalid_request`.
 * - `token_type_hint` only orders the two lookups; an unknown value is ignored (§2.1: the server
 *   "MAY ignore" it and must search every type anyway), so `unsupported_token_type` never arises:
 *   both token types can be revoked.
 * - Unknown token, or one issued to another client → 200 and nothing changes: the answer does
 *   not tell a foreign token from an unknown one (§2.1 refuses the request; §2.2 answers 200 for
 *   tokens it does not hold, so both look the same).
 * - A refresh token revokes its whole family: every access and refresh token of the grant
 *   (§2.1 "SHOULD also invalidate all access tokens based on the same authorization grant"),
 *   consumed (rotated) refresh tokens included, so a client logging out with a stale one still
 *   ends the session.
 * - An access token revokes its record, which also ends the refresh token issued beside it
 *   (§2.1 allows it; the store keeps the pair as one record).
 *
 * Revocation goes through {@link TokenRevocationService}: store first, then cache tombstones, so
 * every instance refuses the token at once; any storage or cache failure is a 503 with
 * `Retry-After` and never a 200. A retry after such a 503 tombstones every unexpired access
 * token of the matched records again, already revoked or not, so it repairs the cache (ADR 0007).
 */
@Injectable()
export class RevocationEndpointService {
  constructor(
    @Inject(TokenStore) private readonly tokens: TokenStore,
    private readonly revocation: TokenRevocationService,
  ) {}

  /**
   * @param form the flat form read by `TokenFormReader`.
   * @param client the authenticated client.
   * @throws OAuthException `invalid_request` (400), `temporarily_unavailable` (503).
   */
  async revoke(form: TokenForm, client: SentinelClient): Promise<void> {
    const token = form.token;
    if (token === undefined) throw OAuthException.invalidRequest('Missing parameter: token');
    const found = await this.find(digest(token), form.token_type_hint);
    if (found === null || found.record.clientId !== client.clientId) return;
    if (found.type === 'refresh_token') {
      await this.revocation.revokeFamily(found.record.familyId);
    } else {
      await this.revocation.revokeById(found.record.id);
    }
  }

  /** Looks the digest up as both token types, the hinted one first. */
  protected async find(key: string, hint: string | undefined): Promise<FoundToken | null> {
    const order: TokenTypeHint[] =
      hint === 'refresh_token'
        ? ['refresh_token', 'access_token']
        : ['access_token', 'refresh_token'];
    for (const type of order) {
      const record =
        type === 'access_token'
          ? await this.tokens.findByAccessDigest(key)
          : await this.tokens.findByRefreshDigest(key);
      if (record !== null) return { type, record };
    }
    return null;
  }
}
