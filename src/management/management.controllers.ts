import type { Type } from '@nestjs/common';
import { ManagementClientsController } from './management-clients.controller.js';
import { ManagementConsentsController } from './management-consents.controller.js';
import { ManagementConsoleController } from './management-console.controller.js';
import { ManagementTokensController } from './management-tokens.controller.js';
import { ManagementUsersController } from './management-users.controller.js';

/**
 * The management controllers and where each goes under `path` (e.g. `/oauth/management`): the
 * console at `path`, the API at `path/users` (a user's consents at `path/users/:id/consents`),
 * `path/clients` and `path/tokens`.
 */
export function managementMounts(path: string): Array<[Type, string]> {
  return [
    [ManagementConsoleController, path],
    [ManagementUsersController, `${path}/users`],
    [ManagementConsentsController, `${path}/users`],
    [ManagementClientsController, `${path}/clients`],
    [ManagementTokensController, `${path}/tokens`],
  ];
}
