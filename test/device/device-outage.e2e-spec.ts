import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { SentinelClient } from '../../src/storage/client-store.js';
import {
  startAuthorizationApp,
  type AuthorizationApp,
} from '../authorization/authorization-testing.js';
import {
  expectUnavailable,
  privateRedis,
  settled,
  type PrivateService,
} from '../faults/fault-testing.js';
import { mongoUrl, uniqueDbName, uniqueKeyPrefix } from '../harness/backends.js';
import { DEVICE_CODE_GRANT_TYPE, pollToken, startDeviceAuthorization } from './device-testing.js';

/**
 * Device codes live in Redis only (ADR 0022): with a private redis-server stopped, the device
 * authorization endpoint and a poll answer 503 `temporarily_unavailable` with `Retry-After`,
 * as the token endpoint does (docs/security.md 18) — never a 500, never a code.
 */
describe('the device flow while Redis is down (docs/security.md 18)', () => {
  let redis: PrivateService;
  let t: AuthorizationApp;
  let device: SentinelClient;

  beforeAll(async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    redis = await privateRedis();
    t = await startAuthorizationApp({
      mongo: { uri: mongoUrl(), dbName: uniqueDbName('device_outage') },
      redis: redis.handle.url,
      keyPrefix: uniqueKeyPrefix('device_outage'),
      redisTimeoutMs: 300,
    });
    ({ client: device } = await t.clients.create({
      clientName: 'TV app',
      clientType: 'public',
      grantTypes: [DEVICE_CODE_GRANT_TYPE],
      scope: 'orders',
    }));
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await t?.close();
    await redis?.close();
  });

  it('answers 503 at the device endpoint and for a poll', async () => {
    const started = await startDeviceAuthorization(t.app, { client_id: device.clientId });
    expect(started.status).toBe(200);
    await redis.handle.stop();
    const refused = await settled(startDeviceAuthorization(t.app, { client_id: device.clientId }));
    expectUnavailable(refused);
    expect(refused.body).not.toHaveProperty('device_code');
    const polled = await settled(
      pollToken(t.app, { client_id: device.clientId, device_code: started.body.device_code }),
    );
    expectUnavailable(polled);
  });
});
