import { Body, Controller, Global, Injectable, Module, Post, Query, Res } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { HostLogin, HostLoginState } from '../../src/interaction/host-login.js';

/**
 * A host app with its own cookie login, for the HostLogin port's suites (issues 13 and 14):
 * its sessions, its login form (a stand-in for Passport, express-session …), and the port on
 * its cookie as a provider class that injects the host's service.
 */

/** The host app's own sessions: a cookie `host_sid` → the signed-in user. */
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
