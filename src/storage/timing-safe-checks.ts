import { constantTimeEqual } from '../crypto/constant-time.js';
import { digest } from '../crypto/digest.js';
import type { PasswordHasher } from '../crypto/password-hasher.js';
import type { SentinelClient } from './client-store.js';
import { isQueryString } from './store-input.js';
import type { SentinelUser } from './user-store.js';

/**
 * Compared against when a client has no secret, so a miss costs the same as a wrong secret
 * (docs/security.md 15). Not a hex digest, so no secret can ever match it.
 */
const NO_SECRET_DIGEST = 'no-secret';

/** A stored user with the bcrypt hash of its password. */
export interface UserWithPasswordHash {
  user: SentinelUser;
  passwordHash: string;
}

/** A stored client with the SHA-256 digest of its secret (`null` for public clients). */
export interface ClientWithSecretDigest {
  client: SentinelClient;
  secretDigest: string | null;
}

/**
 * The password check of the built-in user stores, written once so no store can leave out its
 * timing defence: an unknown username costs the same bcrypt comparison as a wrong password
 * (docs/security.md 14), and a disabled user's correct password is no match. A store only finds
 * the user and its hash ({@link findPasswordHash}).
 */
export abstract class PasswordCheckedUsers {
  protected constructor(protected readonly hasher: PasswordHasher) {}

  /** The user called `username` and its hash, or `null`. Called with strings only. */
  protected abstract findPasswordHash(username: string): Promise<UserWithPasswordHash | null>;

  async verifyCredentials(username: string, password: string): Promise<SentinelUser | null> {
    if (!isQueryString(password)) return null;
    const found = isQueryString(username) ? await this.findPasswordHash(username) : null;
    if (!found) {
      await this.hasher.burn(password);
      return null;
    }
    const matches = await this.hasher.verify(password, found.passwordHash);
    return matches && !found.user.disabled ? found.user : null;
  }
}

/**
 * The secret check of the built-in client stores, written once: the presented secret's digest
 * is compared in constant time, and compared against a digest nothing matches when there is no
 * client or no secret, so every miss costs the same (docs/security.md 5, 15). A store only finds
 * the client and its digest ({@link findSecretDigest}).
 */
export abstract class SecretCheckedClients {
  /** The client `clientId` and its secret digest, or `null`. Called with strings only. */
  protected abstract findSecretDigest(clientId: string): Promise<ClientWithSecretDigest | null>;

  async verifySecret(clientId: string, clientSecret: string): Promise<SentinelClient | null> {
    if (!isQueryString(clientId) || !isQueryString(clientSecret)) return null;
    const found = await this.findSecretDigest(clientId);
    const stored = found?.client.clientType === 'confidential' ? found.secretDigest : null;
    const matches = constantTimeEqual(digest(clientSecret), stored ?? NO_SECRET_DIGEST);
    return found && stored !== null && matches ? found.client : null;
  }
}
