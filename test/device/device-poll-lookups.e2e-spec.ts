import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { ClientStore } from '../../src/storage/client-store.js';
import type { SentinelClient } from '../../src/storage/client-store.js';
import { ManagementClientsService } from '../../src/management/management-clients.service.js';
import {
  COMBINATIONS,
  startAuthorizationApp,
  type AuthorizationApp,
} from '../authorization/authorization-testing.js';
import { basic } from '../token/token-testing.js';
import {
  DEVICE_CODE_GRANT_TYPE,
  decide,
  pollToken,
  startDeviceAuthorization,
} from './device-testing.js';

/**
 * "Polling is cheap" (issue 14, ADR 0022): a public client's poll of a pending device code is
 * answered from the code's record in Redis (or memory), without looking the client up in the
 * client store (MongoDB in production). Every other poll takes the normal path, with the same
 * answers as before; management cancels a client's device codes when it deletes the client or
 * removes the grant.
 */
describe.each(COMBINATIONS)(
  'device polls and the client store on %s',
  (_name, backend, platform) => {
    let t: AuthorizationApp;
    let device: SentinelClient;
    let tv: { client: SentinelClient; secret: string };
    let lookups: number;

    beforeAll(async () => {
      jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      t = await startAuthorizationApp(
        {
          ...backend('device-lookups'),
          management: { username: 'admin', password: 'admin-password-1' },
        },
        platform,
      );
      ({ client: device } = await t.clients.create({
        clientName: 'TV app',
        clientType: 'public',
        grantTypes: [DEVICE_CODE_GRANT_TYPE],
        scope: 'orders',
      }));
      const created = await t.clients.create({
        clientName: 'Console app',
        clientType: 'confidential',
        grantTypes: [DEVICE_CODE_GRANT_TYPE],
        scope: 'orders',
      });
      tv = { client: created.client, secret: created.clientSecret! };
      await t.users.create({ username: 'ada', password: 'correct horse battery' });
    });

    afterAll(async () => {
      jest.restoreAllMocks();
      await t?.close();
    });

    /** The client-store spies of the running test, restored after it even when it fails. */
    let spies: Array<{ mockRestore(): void }> = [];

    afterEach(() => {
      for (const spy of spies) spy.mockRestore();
      spies = [];
      t.clock.advanceSeconds(60);
    });

    /** Counts every read of the client store from now on. */
    function countLookups(): void {
      lookups = 0;
      const clients = t.app.get<ClientStore>(ClientStore);
      const findById = clients.findById.bind(clients);
      const verifySecret = clients.verifySecret.bind(clients);
      spies.push(
        jest.spyOn(clients, 'findById').mockImplementation(async (clientId) => {
          lookups++;
          return findById(clientId);
        }),
        jest.spyOn(clients, 'verifySecret').mockImplementation(async (clientId, secret) => {
          lookups++;
          return verifySecret(clientId, secret);
        }),
      );
    }

    async function start(client: SentinelClient, auth?: string): Promise<string> {
      const res = await startDeviceAuthorization(
        t.app,
        auth === undefined ? { client_id: client.clientId } : {},
        auth,
      );
      expect(res.status).toBe(200);
      return res.body.device_code as string;
    }

    it('a public client’s pending polls never read the client store', async () => {
      const deviceCode = await start(device);
      countLookups();
      const pending = await pollToken(t.app, {
        client_id: device.clientId,
        device_code: deviceCode,
      });
      expect(pending.body.error).toBe('authorization_pending');
      const fast = await pollToken(t.app, { client_id: device.clientId, device_code: deviceCode });
      expect(fast.body.error).toBe('slow_down');
      t.clock.advanceSeconds(11);
      const again = await pollToken(t.app, { client_id: device.clientId, device_code: deviceCode });
      expect(again.body.error).toBe('authorization_pending');
      expect(lookups).toBe(0);
    });

    it('a confidential client is authenticated first, as before', async () => {
      const auth = basic(tv.client.clientId, tv.secret);
      const deviceCode = await start(tv.client, auth);
      countLookups();
      const pending = await pollToken(t.app, { device_code: deviceCode }, auth);
      expect(pending.body.error).toBe('authorization_pending');
      expect(lookups).toBeGreaterThan(0);
      const unauthenticated = await pollToken(t.app, {
        client_id: tv.client.clientId,
        device_code: deviceCode,
      });
      expect(unauthenticated.status).toBe(401);
      expect(unauthenticated.body.error).toBe('invalid_client');
    });

    it('every other poll gets the answers of the normal path', async () => {
      const deviceCode = await start(device);
      const unknownClient = await pollToken(t.app, {
        client_id: 'nobody',
        device_code: deviceCode,
      });
      expect(unknownClient.status).toBe(401);
      expect(unknownClient.body.error).toBe('invalid_client');
      const otherClient = await pollToken(t.app, {
        client_id: tv.client.clientId,
        device_code: deviceCode,
        client_secret: tv.secret,
      });
      expect(otherClient.body.error).toBe('invalid_grant');
      const unknownCode = await pollToken(t.app, { client_id: device.clientId, device_code: 'x' });
      expect(unknownCode.body.error).toBe('invalid_grant');
    });

    it('an approved code is collected through the normal path (the client is looked up)', async () => {
      const deviceCode = await start(device);
      const userId = (await t.users.list({ page: 1, perPage: 10, username: 'ada' })).items[0].id;
      await decide(t.app, t.clock, deviceCode, { outcome: 'approved', userId, scope: 'orders' });
      countLookups();
      const tokens = await pollToken(t.app, {
        client_id: device.clientId,
        device_code: deviceCode,
      });
      expect(tokens.status).toBe(200);
      expect(lookups).toBeGreaterThan(0);
    });

    it('management cancels the device codes of a client that loses the grant or is deleted', async () => {
      const service = t.app.get(ManagementClientsService);
      const { client } = await t.clients.create({
        clientName: 'Old TV',
        clientType: 'public',
        grantTypes: [DEVICE_CODE_GRANT_TYPE],
        scope: 'orders',
      });
      const first = await start(client);
      await service.update(client.clientId, { grant_types: ['refresh_token'] });
      const afterUpdate = await pollToken(t.app, {
        client_id: client.clientId,
        device_code: first,
      });
      expect(afterUpdate.body.error).toBe('unauthorized_client');
      await service.update(client.clientId, { grant_types: [DEVICE_CODE_GRANT_TYPE] });
      const second = await start(client);
      await service.delete(client.clientId);
      const afterDelete = await pollToken(t.app, {
        client_id: client.clientId,
        device_code: second,
      });
      expect(afterDelete.status).toBe(401);
      expect(afterDelete.body.error).toBe('invalid_client');
    });
  },
);
