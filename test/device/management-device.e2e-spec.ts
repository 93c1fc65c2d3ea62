import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { digest } from '../../src/crypto/digest.js';
import { generateToken } from '../../src/crypto/token-generator.js';
import type { DeviceCodeStore } from '../../src/device/device-code.store.js';
import { DEVICE_CODES } from '../../src/device/device.providers.js';
import type { FakeClock } from '../token/token-testing.js';
import {
  BACKENDS,
  managedModule,
  managementClient,
  startManagementApp,
  type ManagementClient,
} from '../management/management-testing.js';

const VIEW_KEYS = ['client_id', 'expires_at', 'id', 'requested_at', 'scope', 'status'];

/**
 * Management of device authorizations (issue 14): a client's list, metadata only (never a
 * device code or user code), and cancellation, after which both codes stop working.
 */
describe.each(BACKENDS)('management device authorizations on %s', (_name, backend) => {
  let app: INestApplication;
  let clock: FakeClock;
  let api: ManagementClient;
  let devices: DeviceCodeStore;
  let clientId: string;
  let otherClientId: string;

  beforeAll(async () => {
    ({ app, clock } = await startManagementApp(managedModule(backend('mgmt_device'))));
    api = managementClient(app);
    devices = app.get<DeviceCodeStore>(DEVICE_CODES);
    const create = async (name: string) => {
      const res = await api.post('/clients', {
        client_name: name,
        client_type: 'public',
        scope: 'orders',
      });
      expect(res.status).toBe(201);
      return res.body.client_id as string;
    };
    clientId = await create('TV app');
    otherClientId = await create('Other TV app');
  });

  afterAll(async () => {
    await app?.close();
  });

  /** A device authorization as the device endpoint stores it. */
  function start(client = clientId, scope: string[] | null = ['orders'], ttlSeconds = 600) {
    const now = clock.now();
    return devices.create(
      {
        clientId: client,
        scope,
        requestedAt: now,
        expiresAt: now + ttlSeconds * 1000,
        familyId: generateToken(),
      },
      now,
    );
  }

  it('lists a client’s device authorizations with their status, newest first, and no code', async () => {
    const first = await start();
    clock.advanceSeconds(1);
    const approved = await start(clientId, null);
    const found = await devices.findByDeviceCode(approved.deviceCode);
    await devices.decide(
      found!.deviceDigest,
      found!.authorization,
      { outcome: 'approved', userId: 'u1', scope: 'orders' },
      clock.now(),
    );
    await start(otherClientId);

    const res = await api.get(`/clients/${clientId}/device-authorizations`);
    expect(res.status).toBe(200);
    const items = res.body.items as Array<Record<string, string | null>>;
    expect(items.length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(items[0]).sort()).toEqual(VIEW_KEYS);
    expect(items[0]).toMatchObject({ client_id: clientId, scope: null, status: 'approved' });
    expect(items[1]).toMatchObject({ scope: 'orders', status: 'pending' });
    const text = JSON.stringify(res.body);
    for (const secret of [
      first.deviceCode,
      first.userCode,
      approved.deviceCode,
      approved.userCode,
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain(digest(first.deviceCode));
    expect(items.every((item) => item.client_id === clientId)).toBe(true);
  });

  it('shows an expired authorization as expired', async () => {
    const { deviceCode } = await start(clientId, ['orders'], 30);
    clock.advanceSeconds(31);
    const res = await api.get(`/clients/${clientId}/device-authorizations`);
    const found = await devices.findByDeviceCode(deviceCode);
    const expired = (res.body.items as Array<{ status: string; expires_at: string }>).filter(
      (item) => item.expires_at === new Date(found!.authorization.expiresAt).toISOString(),
    );
    expect(expired.map((item) => item.status)).toEqual(['expired']);
  });

  it('cancels one: its device code and user code stop working at once', async () => {
    const { deviceCode, userCode } = await start();
    const listed = await api.get(`/clients/${clientId}/device-authorizations`);
    const found = await devices.findByDeviceCode(deviceCode);
    const mine = (
      listed.body.items as Array<{ id: string; requested_at: string; status: string }>
    ).find(
      (item) =>
        item.status === 'pending' &&
        item.requested_at === new Date(found!.authorization.requestedAt).toISOString(),
    )!;
    expect(
      (await api.delete(`/clients/${otherClientId}/device-authorizations/${mine.id}`)).status,
    ).toBe(404);
    expect((await api.delete(`/clients/${clientId}/device-authorizations/${mine.id}`)).status).toBe(
      204,
    );
    expect(await devices.findByDeviceCode(deviceCode)).toBeNull();
    expect(await devices.findByUserCode(userCode)).toBeNull();
    expect((await api.delete(`/clients/${clientId}/device-authorizations/${mine.id}`)).status).toBe(
      404,
    );
  });

  it('answers 404 for an unknown client or id, and 401 without credentials', async () => {
    expect((await api.get('/clients/no-such-client/device-authorizations')).status).toBe(404);
    expect(
      (await api.delete(`/clients/${clientId}/device-authorizations/${'0'.repeat(32)}`)).status,
    ).toBe(404);
    const anonymous = managementClient(app, '192.0.2.11', undefined, null);
    expect((await anonymous.get(`/clients/${clientId}/device-authorizations`)).status).toBe(401);
  });
});
