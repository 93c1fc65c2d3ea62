/**
 * Shared by the storage-fault suites (docs/security.md 17–19): private redis-server and FerretDB
 * processes the tests really stop and start again (same port, same data directory), an app on
 * them, and a hang check for every request.
 */
import { expect } from '@jest/globals';
import { performance } from 'node:perf_hooks';
import type request from 'supertest';
import {
  makeServiceDir,
  startFerretDb,
  startRedis,
  type ServiceHandle,
} from '../harness/test-services.js';

/** No request may take longer than this while a backend is down (docs/security.md 17, 18). */
export const HANG_BOUND_MS = 10_000;

export interface PrivateService {
  handle: ServiceHandle;
  close(): Promise<void>;
}

export async function privateRedis(): Promise<PrivateService> {
  const dir = makeServiceDir('sentinel-fault-redis-');
  const handle = await startRedis(dir.path);
  return {
    handle,
    close: async () => {
      await handle.stop();
      dir.remove();
    },
  };
}

export async function privateFerretDb(): Promise<PrivateService> {
  const dir = makeServiceDir('sentinel-fault-ferretdb-');
  const handle = await startFerretDb(dir.path);
  return {
    handle,
    close: async () => {
      await handle.stop();
      dir.remove();
    },
  };
}

/** Sends the request and asserts it settled within {@link HANG_BOUND_MS}. */
export async function settled(test: request.Test): Promise<request.Response> {
  const started = performance.now();
  const res = await test.timeout(HANG_BOUND_MS + 5_000);
  expect(performance.now() - started).toBeLessThan(HANG_BOUND_MS);
  return res;
}

/**
 * Polls `check` until it returns true, for a server that was just restarted. Bounded; the
 * pause between polls only paces the loop, no result depends on it.
 */
export async function eventually(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

/** A 503 as docs/security.md 18 asks: JSON `temporarily_unavailable`, Retry-After, no token, no stack. */
export function expectUnavailable(res: request.Response): void {
  expect(res.status).toBe(503);
  expect(res.headers['retry-after']).toMatch(/^\d+$/);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body).toMatchObject({ error: 'temporarily_unavailable' });
  expect(res.body).not.toHaveProperty('access_token');
  expect(res.text).not.toMatch(/access_token|refresh_token|\bat \w+ \(|Mongo|Redis|stack/);
}
