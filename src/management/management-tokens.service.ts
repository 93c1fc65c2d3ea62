import { Inject, Injectable } from '@nestjs/common';
import { TokenStore } from '../storage/token-store.js';
import { TokenRevocationService } from '../revocation/token-revocation.service.js';
import { pageOf } from './dto/pagination.dto.js';
import type { ListTokensQueryDto, RevokeTokensQueryDto } from './dto/token.dto.js';
import { ManagementException } from './management.errors.js';
import { pageView, tokenView, type PageView, type TokenView } from './management.presenters.js';

/**
 * Issued tokens: metadata only, never a token or its digest (docs/security.md 20). Every revocation
 * goes through {@link TokenRevocationService}, so the cache learns of it at once (docs/security.md 9).
 * Revoking one record ends its access token and the refresh token issued beside it.
 */
@Injectable()
export class ManagementTokensService {
  constructor(
    @Inject(TokenStore) private readonly tokens: TokenStore,
    private readonly revocation: TokenRevocationService,
  ) {}

  /** Newest first; filtered by `user_id` and/or `client_id` when given. */
  async list(query: ListTokensQueryDto): Promise<PageView<TokenView>> {
    const page = await this.tokens.list({
      ...pageOf(query),
      userId: query.user_id,
      clientId: query.client_id,
    });
    return pageView(page, tokenView);
  }

  /** Idempotent for a known id; 404 for an unknown or malformed one. */
  async revoke(id: string): Promise<void> {
    const record = await this.tokens.findById(id);
    if (!record) throw ManagementException.notFound('No token with this id');
    await this.revocation.revokeById(record.id);
  }

  /** @returns how many live tokens were revoked by this call. */
  async revokeAll(query: RevokeTokensQueryDto): Promise<{ revoked: number }> {
    const { user_id: userId, client_id: clientId } = query;
    if ((userId === undefined) === (clientId === undefined)) {
      throw ManagementException.invalidField(
        userId === undefined ? 'user_id' : 'client_id',
        'Give exactly one of user_id and client_id',
      );
    }
    const revocation =
      userId !== undefined
        ? await this.revocation.revokeByUser(userId)
        : await this.revocation.revokeByClient(clientId as string);
    return { revoked: revocation.records.length };
  }
}
