import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../clock.js';
import type { DeviceCodeStore } from '../device/device-code.store.js';
import { DEVICE_CODES } from '../device/device.providers.js';
import { ClientStore } from '../storage/client-store.js';
import { ManagementException } from './management.errors.js';

/** A device authorization as management shows it: metadata only (issue 14). */
export interface DeviceAuthorizationView {
  id: string;
  client_id: string;
  /** Space-delimited; `null` when the device asked for the client's default scope. */
  scope: string | null;
  status: 'pending' | 'approved' | 'denied' | 'redeemed' | 'expired';
  requested_at: string;
  expires_at: string;
}

/**
 * A client's device authorizations (RFC 8628), listed and cancelled. No device code or user
 * code is ever shown (docs/security.md 35): each has a management id of its own. A cancelled
 * authorization's codes stop working at once (the device then gets `invalid_grant`).
 */
@Injectable()
export class ManagementDeviceService {
  constructor(
    @Inject(DEVICE_CODES) private readonly devices: DeviceCodeStore,
    @Inject(ClientStore) private readonly clients: ClientStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async list(clientId: string): Promise<{ items: DeviceAuthorizationView[] }> {
    await this.assertClient(clientId);
    const summaries = await this.devices.listByClient(clientId, this.clock.now());
    return {
      items: summaries.map((summary) => ({
        id: summary.id,
        client_id: summary.clientId,
        scope: summary.scope === null ? null : summary.scope.join(' '),
        status: summary.status,
        requested_at: new Date(summary.requestedAt).toISOString(),
        expires_at: new Date(summary.expiresAt).toISOString(),
      })),
    };
  }

  async cancel(clientId: string, id: string): Promise<void> {
    await this.assertClient(clientId);
    if (!(await this.devices.cancelById(clientId, id, this.clock.now()))) {
      throw ManagementException.notFound('This client has no device authorization with this id');
    }
  }

  private async assertClient(clientId: string): Promise<void> {
    if (!(await this.clients.findById(clientId))) {
      throw ManagementException.notFound('No client with this client_id');
    }
  }
}
