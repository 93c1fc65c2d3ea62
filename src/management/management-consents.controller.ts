import { Delete, Get, HttpCode, HttpStatus, Param, Query } from '@nestjs/common';
import { PageQueryDto } from './dto/pagination.dto.js';
import { ManagementConsentsService } from './management-consents.service.js';
import { ManagementEndpoint } from './management-endpoint.decorator.js';
import type { ConsentView, PageView } from './management.presenters.js';

/** `{mgmt}/users/:id/consents`; mounted by {@link createManagementControllers}. */
@ManagementEndpoint()
export class ManagementConsentsController {
  constructor(private readonly consents: ManagementConsentsService) {}

  /** The user's remembered consents, newest change first. */
  @Get(':id/consents')
  list(@Param('id') userId: string, @Query() query: PageQueryDto): Promise<PageView<ConsentView>> {
    return this.consents.list(userId, query);
  }

  /** Withdraws the consent and revokes the user's tokens of that client. */
  @Delete(':id/consents/:client_id')
  @HttpCode(HttpStatus.NO_CONTENT)
  withdraw(@Param('id') userId: string, @Param('client_id') clientId: string): Promise<void> {
    return this.consents.withdraw(userId, clientId);
  }
}
