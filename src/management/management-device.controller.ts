import { Delete, Get, HttpCode, HttpStatus, Param } from '@nestjs/common';
import {
  ManagementDeviceService,
  type DeviceAuthorizationView,
} from './management-device.service.js';
import { ManagementEndpoint } from './management-endpoint.decorator.js';

/**
 * `{mgmt}/clients/:client_id/device-authorizations` (RFC 8628); mounted with management when
 * the device endpoint is on (management.controllers.ts).
 */
@ManagementEndpoint()
export class ManagementDeviceController {
  constructor(private readonly devices: ManagementDeviceService) {}

  /** The client's pending and recently decided device authorizations, newest first. */
  @Get(':client_id/device-authorizations')
  list(@Param('client_id') clientId: string): Promise<{ items: DeviceAuthorizationView[] }> {
    return this.devices.list(clientId);
  }

  /** Cancels one: its device code and user code stop working at once. */
  @Delete(':client_id/device-authorizations/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  cancel(@Param('client_id') clientId: string, @Param('id') id: string): Promise<void> {
    return this.devices.cancel(clientId, id);
  }
}
