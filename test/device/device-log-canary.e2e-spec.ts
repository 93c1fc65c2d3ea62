import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { CapturingLogger, render } from '../canary/capturing-logger.js';
import { Test } from '@nestjs/testing';
import { Clock, ClientStore, SentinelModule, UserRepository } from '../../src/index.js';
import { normalizeUserCode } from '../../src/device/user-code.js';
import { privateRedis, settled, type PrivateService } from '../faults/fault-testing.js';
import { mongoUrl, uniqueDbName, uniqueKeyPrefix } from '../harness/backends.js';
import { ProtectedController } from '../module/module-testing.js';
import { basic, FakeClock } from '../token/token-testing.js';
import {
  DEVICE_CODE_GRANT_TYPE,
  decide,
  pollToken,
  startDeviceAuthorization,
} from './device-testing.js';

/**
 * docs/security.md 35: the token side of the device flow — every answer of both endpoints, a
 * reuse (which logs a warning), concurrent redemption, and Redis failing — while every log line
 * is captured. No line may contain a device code, a user code (shown or canonical), a token or
 * the client secret.
 */
describe('device flow log canary (docs/security.md 35)', () => {
  const logger = new CapturingLogger();
  const consoleLines: string[] = [];
  const secrets = new Set<string>();
  const clock = new FakeClock();
  let redis: PrivateService;
  let app: INestApplication;

  beforeAll(async () => {
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        consoleLines.push(args.map(render).join(' '));
      });
    }
    redis = await privateRedis();
    const moduleRef = await Test.createTestingModule({
      imports: [
        SentinelModule.forRoot({
          mongo: { uri: mongoUrl(), dbName: uniqueDbName('device_canary') },
          redis: redis.handle.url,
          keyPrefix: uniqueKeyPrefix('device_canary'),
          bcryptCost: 10,
          redisTimeoutMs: 300,
        }),
      ],
      controllers: [ProtectedController],
    })
      .overrideProvider(Clock)
      .useValue(clock)
      .compile();
    app = moduleRef.createNestApplication({ logger });
    await app.init();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await redis?.close();
    jest.restoreAllMocks();
  }, 60_000);

  /** Starts a device authorization and remembers its codes as secrets. */
  async function start(fields: Record<string, string>, auth?: string): Promise<string> {
    const res = await startDeviceAuthorization(app, fields, auth);
    expect(res.status).toBe(200);
    const { device_code: deviceCode, user_code: userCode } = res.body as Record<string, string>;
    secrets.add(deviceCode);
    secrets.add(userCode);
    secrets.add(normalizeUserCode(userCode)!);
    return deviceCode;
  }

  function remember(res: { body: Record<string, unknown> }): void {
    for (const field of ['access_token', 'refresh_token']) {
      if (typeof res.body[field] === 'string') secrets.add(res.body[field]);
    }
  }

  it('logs no device code, user code, token or secret', async () => {
    const users = app.get<UserRepository>(UserRepository);
    const clients = app.get<ClientStore>(ClientStore);
    const userId = (await users.create({ username: 'canary-viewer', password: 'canary-pw-8c1d' }))
      .id;
    const { client: device } = await clients.create({
      clientName: 'canary TV',
      clientType: 'public',
      grantTypes: [DEVICE_CODE_GRANT_TYPE, 'refresh_token'],
      scope: 'orders',
    });
    const created = await clients.create({
      clientName: 'canary console',
      clientType: 'confidential',
      grantTypes: [DEVICE_CODE_GRANT_TYPE],
      scope: 'orders',
    });
    const secret = created.clientSecret!;
    secrets.add(secret);
    const auth = basic(created.client.clientId, secret);
    secrets.add(auth.slice('Basic '.length));
    const poll = (code: string) =>
      pollToken(app, { client_id: device.clientId, device_code: code });

    // Pending, slow_down, another client's poll, deny, expiry.
    const pending = await start({ client_id: device.clientId, scope: 'orders' });
    expect((await poll(pending)).body.error).toBe('authorization_pending');
    expect((await poll(pending)).body.error).toBe('slow_down');
    expect((await pollToken(app, { device_code: pending }, auth)).body.error).toBe('invalid_grant');
    const denied = await start({}, auth);
    await decide(app, clock, denied, { outcome: 'denied' });
    expect((await pollToken(app, { device_code: denied }, auth)).body.error).toBe('access_denied');

    // Approval, redemption, reuse (a warning), concurrent redemption.
    const approved = await start({ client_id: device.clientId });
    await decide(app, clock, approved, { outcome: 'approved', userId, scope: 'orders' });
    const tokens = await poll(approved);
    expect(tokens.status).toBe(200);
    remember(tokens);
    expect((await poll(approved)).body.error).toBe('invalid_grant');
    const raced = await start({ client_id: device.clientId });
    await decide(app, clock, raced, { outcome: 'approved', userId, scope: 'orders' });
    for (const res of await Promise.all(Array.from({ length: 4 }, () => poll(raced)))) {
      remember(res);
    }
    clock.advanceSeconds(601);
    expect((await poll(pending)).body.error).toBe('expired_token');

    // Bad input and Redis down.
    expect((await poll('x'.repeat(5000))).status).toBe(400);
    const late = await start({ client_id: device.clientId });
    await redis.handle.stop();
    expect((await settled(poll(late))).status).toBe(503);
    expect(
      (await settled(startDeviceAuthorization(app, { client_id: device.clientId }))).status,
    ).toBe(503);

    const lines = [...logger.lines, ...consoleLines];
    // The run did log: the reuse warnings and the outage (so the check below means something).
    expect(lines.some((line) => line.includes('Device code reuse'))).toBe(true);
    expect(lines.some((line) => line.includes('temporarily_unavailable'))).toBe(true);
    expect(secrets.size).toBeGreaterThan(10);
    const leaks = lines.filter((line) => [...secrets].some((value) => line.includes(value)));
    expect(leaks).toEqual([]);
  });
});
