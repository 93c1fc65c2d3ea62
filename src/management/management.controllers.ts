import { Controller, type Type } from '@nestjs/common';
import { ManagementClientsController } from './management-clients.controller.js';
import { ManagementConsoleController } from './management-console.controller.js';
import { ManagementTokensController } from './management-tokens.controller.js';
import { ManagementUsersController } from './management-users.controller.js';

/**
 * Fresh subclasses of the management controllers mounted under `path` (e.g. `/oauth/management`):
 * the console at `path`, the API at `path/users`, `path/clients` and `path/tokens`. Fresh classes
 * per call, so two apps in one process can mount management at different paths.
 */
export function createManagementControllers(path: string): Type[] {
  @Controller(path)
  class SentinelManagementConsoleController extends ManagementConsoleController {}

  @Controller(`${path}/users`)
  class SentinelManagementUsersController extends ManagementUsersController {}

  @Controller(`${path}/clients`)
  class SentinelManagementClientsController extends ManagementClientsController {}

  @Controller(`${path}/tokens`)
  class SentinelManagementTokensController extends ManagementTokensController {}

  return [
    SentinelManagementConsoleController,
    SentinelManagementUsersController,
    SentinelManagementClientsController,
    SentinelManagementTokensController,
  ];
}
