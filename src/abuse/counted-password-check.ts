import { Inject, Injectable } from '@nestjs/common';
import { UserStore, type SentinelUser } from '../storage/user-store.js';
import { BruteForceLimiter } from './brute-force.limiter.js';

/**
 * A username and password checked the one way the module checks them — by the password grant
 * and by the sign-in page alike (docs/security.md 13, 14, 29): the attempt is counted per
 * (username, address) and per address BEFORE the password is compared (ADR 0007), the store
 * burns a dummy hash for unknown users, a success resets the account's counter, a failure stays
 * counted, and a storage fault takes the attempt back (nothing was decided).
 */
@Injectable()
export class CountedPasswordCheck {
  constructor(
    @Inject(UserStore) private readonly users: UserStore,
    private readonly limiter: BruteForceLimiter,
  ) {}

  /**
   * @returns the user, or `null` for an unknown user, a wrong password and a disabled user alike.
   * @throws OAuthException 429 with `Retry-After` while the account or the address is locked.
   */
  async verify(
    username: string,
    password: string,
    address: string | undefined,
  ): Promise<SentinelUser | null> {
    const attempt = await this.limiter.beginPasswordAttempt(username, address);
    let user;
    try {
      user = await this.users.verifyCredentials(username, password);
    } catch (error) {
      await attempt.abandoned();
      throw error;
    }
    if (!user || user.disabled) {
      attempt.failed();
      return null;
    }
    await attempt.succeeded();
    return user;
  }
}
