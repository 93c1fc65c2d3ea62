import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import {
  ADMIN,
  BACKENDS,
  MGMT,
  basicAuth,
  expectManagementError,
  managedModule,
  managementClient,
  startManagementApp,
} from './management-testing.js';

// Issue 15, finding 4 (ADR 0016): management sign-ins are counted on the src/abuse counters —
// per address with IPv6 per /64, in total across addresses, shared through Redis.

const WRONG = basicAuth(ADMIN.username, 'wrong password');
const RIGHT = basicAuth(ADMIN.username, ADMIN.password);

describe.each(BACKENDS)('management sign-in throttle on %s', (name, backend) => {
  const apps: INestApplication[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  async function start(options = backend('mgmt_throttle')) {
    const { app } = await startManagementApp(managedModule(options));
    apps.push(app);
    return app;
  }
  const as = (app: INestApplication, address: string, authorization: string) =>
    managementClient(app, address, MGMT, authorization);

  it('counts every IPv6 address of one /64 together', async () => {
    const app = await start();
    for (let i = 1; i <= 5; i += 1) {
      expect((await as(app, `2001:db8:0:7::${i}`, WRONG).get('/users')).status).toBe(401);
    }
    const locked = await as(app, '2001:db8:0:7:ffff::1', RIGHT).get('/users');
    expectManagementError(locked, 429, 'too_many_requests');
    expect((await as(app, '2001:db8:0:8::1', RIGHT).get('/users')).status).toBe(200);
  });

  it('caps failed sign-ins across addresses: 20 addresses × 5 guesses meet 429s', async () => {
    const app = await start();
    const statuses: number[] = [];
    for (let a = 1; a <= 20; a += 1) {
      for (let i = 0; i < 5; i += 1) {
        statuses.push((await as(app, `198.18.0.${a}`, WRONG).get('/users')).status);
      }
    }
    // 50 free failures in total, then each further one locks management for everyone.
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(51);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(49);
    const fresh = await as(app, '203.0.113.77', RIGHT).get('/users');
    expectManagementError(fresh, 429, 'too_many_requests');
    expect(Number(fresh.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  if (name !== 'in-memory default') {
    it('shares the counters between instances through Redis', async () => {
      const options = backend('mgmt_throttle_shared');
      const first = await start(options);
      const second = await start(options);
      for (let i = 0; i < 3; i += 1) await as(first, '198.18.1.1', WRONG).get('/users');
      for (let i = 0; i < 2; i += 1) await as(second, '198.18.1.1', WRONG).get('/users');
      expect((await as(first, '198.18.1.1', RIGHT).get('/users')).status).toBe(429);
      expect((await as(second, '198.18.1.1', RIGHT).get('/users')).status).toBe(429);
    });
  }
});
