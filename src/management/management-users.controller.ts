import { Body, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { CreateUserDto, ListUsersQueryDto, UpdateUserDto } from './dto/user.dto.js';
import { ManagementEndpoint } from './management-endpoint.decorator.js';
import type { PageView, UserView } from './management.presenters.js';
import { ManagementUsersService } from './management-users.service.js';

/** `{mgmt}/users`; mounted by {@link createManagementControllers}. */
@ManagementEndpoint()
export class ManagementUsersController {
  constructor(private readonly users: ManagementUsersService) {}

  @Post()
  create(@Body() dto: CreateUserDto): Promise<UserView> {
    return this.users.create(dto);
  }

  @Get()
  list(@Query() query: ListUsersQueryDto): Promise<PageView<UserView>> {
    return this.users.list(query);
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<UserView> {
    return this.users.get(id);
  }

  @Patch(':id')
  update(@Param('id') id: string, @Body() dto: UpdateUserDto): Promise<UserView> {
    return this.users.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  delete(@Param('id') id: string): Promise<void> {
    return this.users.delete(id);
  }
}
