import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { DeviceCodeStore } from '../../src/device/device-code.store.js';
import { DEVICE_CODE_GRANT_TYPE } from '../../src/device/device-grant-type.js';
import { DEVICE_CODES } from '../../src/device/device.tokens.js';
import type { Clock } from '../../src/clock.js';

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
