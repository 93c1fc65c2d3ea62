import { Delete, Get, HttpCode, HttpStatus, Param, Query } from '@nestjs/common';
import { ListTokensQueryDto, RevokeTokensQueryDto } from './dto/token.dto.js';
import { ManagementEndpoint } from './management-endpoint.decorator.js';
import type { PageView, TokenView } from './management.presenters.js';
import { ManagementTokensService } from './management-tokens.service.js';

/** `{mgmt}/tokens`; mounted by {@link createManagementControllers}. */
@ManagementEndpoint()
export class ManagementTokensController {
  constructor(private readonly tokens: ManagementTokensService) {}

  @Get()
  list(@Query() query: ListTokensQueryDto): Promise<PageView<TokenView>> {
    return this.tokens.list(query);
  }

  /** Revokes every live token of one user or one client: `?user_id=` or `?client_id=`. */
  @Delete()
  revokeAll(@Query() query: RevokeTokensQueryDto): Promise<{ revoked: number }> {
    return this.tokens.revokeAll(query);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  revoke(@Param('id') id: string): Promise<void> {
    return this.tokens.revoke(id);
  }
}
