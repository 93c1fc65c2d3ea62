import { randomBytes } from 'node:crypto';
import bcrypt from 'bcrypt';
import { InvalidInputError } from '../storage/storage.errors.js';

/** bcrypt only reads the first 72 bytes; longer passwords are refused, never truncated (docs/security.md 16). */
export const MAX_PASSWORD_BYTES = 72;
export const MIN_BCRYPT_COST = 10;
export const DEFAULT_BCRYPT_COST = 12;

/**
 * bcrypt hashing with a fixed cost and a dummy hash for unknown users (docs/security.md 14, 16).
 * @publicApi
 */
export class PasswordHasher {
  private dummyHash?: Promise<string>;

  constructor(readonly cost: number = DEFAULT_BCRYPT_COST) {}

  /** @throws InvalidInputError when the password is empty or longer than 72 bytes. */
  async hash(password: string): Promise<string> {
    assertAcceptablePassword(password);
    return bcrypt.hash(password, this.cost);
  }

  /** Whether `password` matches `hash`. Over-long input is simply a mismatch here. */
  async verify(password: string, hash: string): Promise<boolean> {
    if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
      // Spend the same time as a real comparison, then fail: bcrypt would truncate.
      await bcrypt.compare(password.slice(0, 1), hash);
      return false;
    }
    return bcrypt.compare(password, hash);
  }

  /**
   * Spends one bcrypt comparison at this cost against a hash no password matches, so a lookup
   * of an unknown user takes as long as a wrong password (docs/security.md 14).
   */
  async burn(password: string): Promise<false> {
    this.dummyHash ??= bcrypt.hash(randomBytes(16).toString('hex'), this.cost);
    await bcrypt.compare(password.slice(0, MAX_PASSWORD_BYTES), await this.dummyHash);
    return false;
  }
}

export function assertAcceptablePassword(password: string): void {
  if (password.length === 0) {
    throw new InvalidInputError('password must not be empty', 'password');
  }
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    throw new InvalidInputError(
      `password must be at most ${MAX_PASSWORD_BYTES} bytes (bcrypt would silently truncate it)`,
      'password',
    );
  }
}
