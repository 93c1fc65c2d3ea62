import { Inject, Injectable, Optional } from '@nestjs/common';
import { UserStore, type SentinelUser } from '../storage/user-store.js';
import { readBrowserId } from './browser-binding.js';
import { HostLogin } from './host-login.js';
import { SESSION_STORE } from './interaction.tokens.js';
import type { SessionStore } from './session-store.js';

/** The person behind a request, and when they signed in (epoch ms). */
export interface SignedIn {
  user: SentinelUser;
  signedInAt: number;
}

/**
 * Who is signed in on a request: the host app's login when it provides one
 * ({@link HostLogin}), else the built-in session named by the cookie. Either way the user is
 * looked up in the `UserStore`: a deleted or disabled user is nobody (docs/security.md 32).
 */
@Injectable()
export class CurrentUser {
  constructor(
    @Inject(UserStore) private readonly users: UserStore,
    @Inject(SESSION_STORE) private readonly sessions: SessionStore,
    @Optional() @Inject(HostLogin) private readonly hostLogin: HostLogin | null = null,
  ) {}

  /** The host app's login, or `null` when the built-in sign-in page is used. */
  get host(): HostLogin | null {
    return this.hostLogin;
  }

  async of(request: unknown): Promise<SignedIn | null> {
    const state = await this.signedIn(request);
    if (state === null) return null;
    const user = await this.users.findById(state.userId);
    return user === null || user.disabled ? null : { user, signedInAt: state.signedInAt };
  }

  private async signedIn(request: unknown): Promise<{ userId: string; signedInAt: number } | null> {
    if (this.hostLogin === null) return this.sessions.resume(readBrowserId(request));
    const state = await this.hostLogin.currentUser(request);
    if (state === null || typeof state.userId !== 'string') return null;
    const signedInAt = state.signedInAt instanceof Date ? state.signedInAt.getTime() : NaN;
    return { userId: state.userId, signedInAt: Number.isNaN(signedInAt) ? 0 : signedInAt };
  }
}
