import type { PasswordHasher } from '../../crypto/password-hasher.js';
import { ConflictError } from '../storage.errors.js';
import { PasswordCheckedUsers, type UserWithPasswordHash } from '../timing-safe-checks.js';
import {
  assertBoolean,
  assertNonEmptyString,
  assertPage,
  assertString,
  isQueryString,
  isRecordId,
  newRecordId,
} from '../store-input.js';
import type {
  NewUser,
  Page,
  SentinelUser,
  UserChanges,
  UserQuery,
  UserRepository,
} from '../user-store.js';

interface StoredUser extends SentinelUser {
  passwordHash: string;
}

/**
 * {@link UserRepository} held in process memory: the zero-setup development default. Behaves
 * exactly like `MongoUserStore` (bcrypt hashes only, unique usernames, string-only lookups) and
 * hands out copies, never its own objects. Data is lost on restart and not shared between instances.
 */
export class MemoryUserStore extends PasswordCheckedUsers implements UserRepository {
  private readonly users = new Map<string, StoredUser>();

  constructor(hasher: PasswordHasher) {
    super(hasher);
  }

  protected async findPasswordHash(username: string): Promise<UserWithPasswordHash | null> {
    const stored = this.findByUsername(username);
    return stored ? { user: toUser(stored), passwordHash: stored.passwordHash } : null;
  }

  async findById(id: string): Promise<SentinelUser | null> {
    const stored = isRecordId(id) ? this.users.get(id) : undefined;
    return stored ? toUser(stored) : null;
  }

  /** @throws ConflictError `username` when taken; InvalidInputError `password` when empty or > 72 bytes. */
  async create(user: NewUser): Promise<SentinelUser> {
    assertNonEmptyString(user.username, 'username');
    assertString(user.password, 'password');
    if (user.scope !== undefined) assertString(user.scope, 'scope');
    if (user.disabled !== undefined) assertBoolean(user.disabled, 'disabled');
    const passwordHash = await this.hasher.hash(user.password);
    // Checked after the (async) hashing so two concurrent creations cannot both pass.
    if (this.findByUsername(user.username)) {
      throw new ConflictError('username already exists', 'username');
    }
    const now = new Date();
    const stored: StoredUser = {
      id: newRecordId(),
      username: user.username,
      passwordHash,
      scope: user.scope ?? '',
      disabled: user.disabled ?? false,
      createdAt: now,
      updatedAt: now,
    };
    this.users.set(stored.id, stored);
    return toUser(stored);
  }

  /** Sorted by creation time, then id; `username` filters by exact match. */
  async list(query: UserQuery): Promise<Page<SentinelUser>> {
    assertPage(query);
    const { page, perPage } = query;
    if (query.username !== undefined && !isQueryString(query.username)) {
      return { items: [], total: 0, page, perPage };
    }
    const matching = [...this.users.values()]
      .filter((user) => query.username === undefined || user.username === query.username)
      .sort(
        (a, b) =>
          a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      );
    const items = matching.slice((page - 1) * perPage, page * perPage).map(toUser);
    return { items, total: matching.length, page, perPage };
  }

  /** A new password is re-hashed (and checked like at creation). */
  async update(id: string, changes: UserChanges): Promise<SentinelUser | null> {
    if (!isRecordId(id)) return null;
    if (changes.scope !== undefined) assertString(changes.scope, 'scope');
    if (changes.disabled !== undefined) assertBoolean(changes.disabled, 'disabled');
    if (changes.password !== undefined) assertString(changes.password, 'password');
    const passwordHash =
      changes.password === undefined ? undefined : await this.hasher.hash(changes.password);
    // Looked up again after hashing: the user may have been deleted meanwhile.
    const stored = this.users.get(id);
    if (!stored) return null;
    if (changes.scope === undefined && changes.disabled === undefined && !passwordHash) {
      return toUser(stored);
    }
    if (changes.scope !== undefined) stored.scope = changes.scope;
    if (changes.disabled !== undefined) stored.disabled = changes.disabled;
    if (passwordHash) stored.passwordHash = passwordHash;
    stored.updatedAt = new Date();
    return toUser(stored);
  }

  async delete(id: string): Promise<boolean> {
    return isRecordId(id) && this.users.delete(id);
  }

  private findByUsername(username: string): StoredUser | undefined {
    for (const user of this.users.values()) {
      if (user.username === username) return user;
    }
    return undefined;
  }
}

/** A copy with the public fields only: the hash never leaves the store. */
function toUser(stored: StoredUser): SentinelUser {
  return {
    id: stored.id,
    username: stored.username,
    scope: stored.scope,
    disabled: stored.disabled,
    createdAt: new Date(stored.createdAt),
    updatedAt: new Date(stored.updatedAt),
  };
}
