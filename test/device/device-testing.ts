import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { digest } from '../../src/crypto/digest.js';
import { generateToken } from '../../src/crypto/token-generator.js';
import type { DeviceCodeStore } from '../../src/device/device-code.store.js';
import { DEVICE_CODE_GRANT_TYPE } from '../../src/device/device-grant-type.js';
import { DEVICE_CODES } from '../../src/device/device.tokens.js';
import type { Clock } from '../../src/clock.js';
import {
  formsOf,
  type AuthorizationApp,
  type TestBrowser,
} from '../authorization/authorization-testing.js';

/** RFC 8628 §3.4. */
export const DEVICE_GRANT = DEVICE_CODE_GRANT_TYPE;

/** The grant types of a device client (RFC 8628 §3.4). */
export function deviceClientGrants(_app: INestApplication): string[] {
  return [DEVICE_CODE_GRANT_TYPE];
}

/** A device authorization as `POST /device_authorization` would store it (RFC 8628 §3.2). */
export interface CreatedDeviceCode {
  deviceCode: string;
  userCode: string;
  deviceDigest: string;
}

/** Creates a device authorization for `clientId` directly in the store, on the fake clock. */
export async function createDeviceCode(
  t: AuthorizationApp,
  clientId: string,
  scope: string[] | null = ['orders'],
  ttlSeconds = 600,
): Promise<CreatedDeviceCode> {
  const now = t.clock.now();
  const codes = t.app.get<DeviceCodeStore>(DEVICE_CODES);
  const created = await codes.create(
    {
      clientId,
      scope,
      requestedAt: now,
      expiresAt: now + ttlSeconds * 1000,
      familyId: generateToken(),
    },
    now,
  );
  return { ...created, deviceDigest: digest(created.deviceCode) };
}

/** The decision stored for a device code (what the device's poll will see). */
export function decisionOf(t: AuthorizationApp, created: CreatedDeviceCode) {
  return t.app.get<DeviceCodeStore>(DEVICE_CODES).decision(created.deviceDigest);
}

/** Opens the code page and posts `typed` in its form. */
export async function enterCode(
  browser: TestBrowser,
  typed: string,
  headers: Record<string, string> = {},
): Promise<request.Response> {
  const page = await browser.get('/oauth/device');
  const [form] = formsOf(page.text);
  return browser.post(form.action, { ...form.fields, user_code: typed }, headers);
}

/** The error line of a page (`role="alert"`). */
export function alertOf(page: request.Response): string {
  return /<p class="error" role="alert"[^>]*>([\s\S]*?)<\/p>/.exec(page.text)?.[1] ?? '';
}

export { CookieLogin, HostAccountModule, HostSessions } from '../authorization/host-login-app.js';

export { DEVICE_CODE_GRANT_TYPE };

/** Fields as form parameters, leaving out the `undefined` ones. */
function form(fields: Record<string, string | undefined>): string {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined) body.set(name, value);
  }
  return body.toString();
}

/** `POST /oauth/device_authorization` (RFC 8628 §3.1). */
export function startDeviceAuthorization(
  app: INestApplication,
  fields: Record<string, string | undefined>,
  auth?: string,
): request.Test {
  const req = request(app.getHttpServer()).post('/oauth/device_authorization').type('form');
  if (auth !== undefined) req.set('Authorization', auth);
  return req.send(form(fields));
}

/** A device's poll of the token endpoint (RFC 8628 §3.4). */
export function pollToken(
  app: INestApplication,
  fields: Record<string, string | undefined>,
  auth?: string,
): request.Test {
  const req = request(app.getHttpServer()).post('/oauth/token').type('form');
  if (auth !== undefined) req.set('Authorization', auth);
  return req.send(form({ grant_type: DEVICE_CODE_GRANT_TYPE, ...fields }));
}

/**
 * The person's decision, recorded directly in the store the way the verification page does
 * (`DeviceCodeStore.decide`). `false` when the store refused it (decided already, expired).
 */
export async function decide(
  app: INestApplication,
  clock: Clock,
  deviceCode: string,
  decision: { outcome: 'approved'; userId: string; scope: string } | { outcome: 'denied' },
): Promise<boolean> {
  const store = app.get<DeviceCodeStore>(DEVICE_CODES);
  const found = await store.findByDeviceCode(deviceCode);
  if (found === null) throw new Error('No such device code');
  return store.decide(found.deviceDigest, found.authorization, decision, clock.now());
}
