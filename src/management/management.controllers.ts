import type { Type } from '@nestjs/common';
import { ManagementClientsController } from './management-clients.controller.js';
import { ManagementConsentsController } from './management-consents.controller.js';
import { ManagementConsoleController } from './management-console.controller.js';
import { ManagementDeviceController } from './management-device.controller.js';
import { ManagementTokensController } from './management-tokens.controller.js';
import { ManagementUsersController } from './management-users.controller.js';

/**
 * The management controllers and where each goes under `path` (e.g. `/oauth/management`): the
 * console at `path`, the API at `path/users` (a user's consents at `path/users/:id/consents`),
 * `path/clients` (a client's device authorizations at `path/clients/:id/device-authorizations`
 * when the device endpoint is on) and `path/tokens`.
 */
export function managementMounts(path: string, device: boolean): Array<[Type, string]> {
  return [
    ...(device ? ([[ManagementDeviceController, `${path}/clients`]] as Array<[Type, string]>) : []),
    [ManagementConsoleController, path],
    [ManagementUsersController, `${path}/users`],
    [ManagementConsentsController, `${path}/users`],
    [ManagementClientsController, `${path}/clients`],
    [ManagementTokensController, `${path}/tokens`],
  ];
}
