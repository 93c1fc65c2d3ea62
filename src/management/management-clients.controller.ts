import { Body, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { CreateClientDto, UpdateClientDto } from './dto/client.dto.js';
import { PageQueryDto } from './dto/pagination.dto.js';
import { ManagementClientsService } from './management-clients.service.js';
import { ManagementEndpoint } from './management-endpoint.decorator.js';
import type { ClientView, PageView } from './management.presenters.js';

/** `{mgmt}/clients`; mounted by {@link createManagementControllers}. */
@ManagementEndpoint()
export class ManagementClientsController {
  constructor(private readonly clients: ManagementClientsService) {}

  /** 201 with `client_secret` for a confidential client: the only time it is shown. */
  @Post()
  create(@Body() dto: CreateClientDto): Promise<ClientView> {
    return this.clients.create(dto);
  }

  @Get()
  list(@Query() query: PageQueryDto): Promise<PageView<ClientView>> {
    return this.clients.list(query);
  }

  @Get(':client_id')
  get(@Param('client_id') clientId: string): Promise<ClientView> {
    return this.clients.get(clientId);
  }

  @Patch(':client_id')
  update(@Param('client_id') clientId: string, @Body() dto: UpdateClientDto): Promise<ClientView> {
    return this.clients.update(clientId, dto);
  }

  /** A new secret, shown once; the old one stops working. The body is ignored (send `{}`). */
  @Post(':client_id/secret')
  @HttpCode(HttpStatus.OK)
  rotateSecret(@Param('client_id') clientId: string): Promise<ClientView> {
    return this.clients.rotateSecret(clientId);
  }

  @Delete(':client_id')
  @HttpCode(HttpStatus.NO_CONTENT)
  delete(@Param('client_id') clientId: string): Promise<void> {
    return this.clients.delete(clientId);
  }
}
