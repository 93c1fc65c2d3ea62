import {
  Body,
  Controller,
  Global,
  Injectable,
  Module,
  Post,
  Query,
  Res,
  type INestApplication,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type request from 'supertest';
import { digest } from '../../src/crypto/digest.js';
import { generateToken } from '../../src/crypto/token-generator.js';
import type { DeviceCodeStore } from '../../src/device/device-code.store.js';
import { DEVICE_CODES } from '../../src/device/device.providers.js';
import type { HostLogin, HostLoginState } from '../../src/interaction/host-login.js';
import { GrantRegistry } from '../../src/token/grants/grant-registry.js';
import {
  formsOf,
  type AuthorizationApp,
  type TestBrowser,
} from '../authorization/authorization-testing.js';

/** RFC 8628 §3.4. */
export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * The grant types of a device client: the device grant once it is registered (the token side
 * of issue 14 registers it); until then `authorization_code`, as the verification page does not
 * read the client's grant types (the device endpoint and the token endpoint do).
 */
export function deviceClientGrants(app: INestApplication): string[] {
  return app.get(GrantRegistry).grantTypes.includes(DEVICE_GRANT)
    ? [DEVICE_GRANT]
    : ['authorization_code'];
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

/** The host app's own sessions: a cookie `host_sid` → the signed-in user (host-login.e2e-spec.ts). */
@Injectable()
export class HostSessions {
  readonly sessions = new Map<string, HostLoginState>();
}

/** The host app's own login form (a stand-in for Passport, express-session …). */
@Controller('account')
class HostAccountController {
  constructor(private readonly sessions: HostSessions) {}

  @Post('login')
  login(
    @Body() body: { user_id: string },
    @Query('return_to') returnTo: string,
    @Res({ passthrough: true }) response: { header(name: string, value: string): void },
  ): { returnTo: string } {
    const sid = randomUUID();
    this.sessions.sessions.set(sid, { userId: body.user_id, signedInAt: new Date() });
    response.header('Set-Cookie', `host_sid=${sid}; Path=/; HttpOnly; SameSite=Lax`);
    return { returnTo: returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/' };
  }
}

@Global()
@Module({
  providers: [HostSessions],
  exports: [HostSessions],
  controllers: [HostAccountController],
})
export class HostAccountModule {}

/** The HostLogin port on the host's cookie. */
@Injectable()
export class CookieLogin implements HostLogin {
  constructor(private readonly sessions: HostSessions) {}

  currentUser(request: unknown): HostLoginState | null {
    const cookie = (request as { headers: Record<string, string | undefined> }).headers.cookie;
    const sid = /(?:^|; )host_sid=([^;]+)/.exec(cookie ?? '')?.[1];
    return sid === undefined ? null : (this.sessions.sessions.get(sid) ?? null);
  }

  signInUrl(returnTo: string): string {
    return `/account/sign-in?return_to=${encodeURIComponent(returnTo)}`;
  }
}
