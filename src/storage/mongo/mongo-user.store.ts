import type { Model, Types } from 'mongoose';
import type { PasswordHasher } from '../../crypto/password-hasher.js';
import {
  assertBoolean,
  assertNonEmptyString,
  assertPage,
  assertString,
  isQueryString,
  isRecordId,
} from '../store-input.js';
import type {
  NewUser,
  Page,
  SentinelUser,
  UserChanges,
  UserQuery,
  UserRepository,
} from '../user-store.js';
import { PasswordCheckedUsers, type UserWithPasswordHash } from '../timing-safe-checks.js';
import { mongoCall } from './mongo-errors.js';
import type { SentinelUserDocument, SentinelUserModel } from './user.schema.js';

type UserDoc = SentinelUserDocument & { _id: Types.ObjectId };

/** Reads that do not check a password leave the hash on the server. */
const WITHOUT_HASH = { passwordHash: 0 } as const;

/**
 * {@link UserRepository} on the `sentinel_users` collection. Passwords are stored as bcrypt
 * hashes only (docs/security.md 16, 20); lookups accept strings only (docs/security.md 2).
 */
export class MongoUserStore extends PasswordCheckedUsers implements UserRepository {
  private readonly model: Model<SentinelUserDocument>;

  constructor(model: SentinelUserModel, hasher: PasswordHasher) {
    super(hasher);
    this.model = model;
  }

  /** Creates the collection's indexes (unique username). Call once at start-up; idempotent. */
  async ensureIndexes(): Promise<void> {
    await mongoCall(() => this.model.createIndexes());
  }

  protected async findPasswordHash(username: string): Promise<UserWithPasswordHash | null> {
    const doc = await mongoCall(() => this.model.findOne({ username }).lean<UserDoc>().exec());
    return doc ? { user: toUser(doc), passwordHash: doc.passwordHash } : null;
  }

  async findById(id: string): Promise<SentinelUser | null> {
    if (!isRecordId(id)) return null;
    const doc = await mongoCall(() => this.model.findById(id, WITHOUT_HASH).lean<UserDoc>().exec());
    return doc ? toUser(doc) : null;
  }

  /** @throws ConflictError `username` when taken; InvalidInputError `password` when empty or > 72 bytes. */
  async create(user: NewUser): Promise<SentinelUser> {
    assertNonEmptyString(user.username, 'username');
    assertString(user.password, 'password');
    if (user.scope !== undefined) assertString(user.scope, 'scope');
    if (user.disabled !== undefined) assertBoolean(user.disabled, 'disabled');
    const passwordHash = await this.hasher.hash(user.password);
    const created = await mongoCall(
      () =>
        this.model.create({
          username: user.username,
          passwordHash,
          scope: user.scope ?? '',
          disabled: user.disabled ?? false,
        }),
      'username',
    );
    return toUser(created.toObject<UserDoc>());
  }

  /** Sorted by creation time, then id; `username` filters by exact match. */
  async list(query: UserQuery): Promise<Page<SentinelUser>> {
    assertPage(query);
    const { page, perPage } = query;
    if (query.username !== undefined && !isQueryString(query.username)) {
      return { items: [], total: 0, page, perPage };
    }
    const filter = query.username === undefined ? {} : { username: query.username };
    const [docs, total] = await mongoCall(() =>
      Promise.all([
        this.model
          .find(filter, WITHOUT_HASH)
          .sort({ createdAt: 1, _id: 1 })
          .skip((page - 1) * perPage)
          .limit(perPage)
          .lean<UserDoc[]>()
          .exec(),
        this.model.countDocuments(filter).exec(),
      ]),
    );
    return { items: docs.map(toUser), total, page, perPage };
  }

  /** A new password is re-hashed (and checked like at creation). */
  async update(id: string, changes: UserChanges): Promise<SentinelUser | null> {
    if (!isRecordId(id)) return null;
    const set: Partial<Pick<SentinelUserDocument, 'passwordHash' | 'scope' | 'disabled'>> = {};
    if (changes.scope !== undefined) {
      assertString(changes.scope, 'scope');
      set.scope = changes.scope;
    }
    if (changes.disabled !== undefined) {
      assertBoolean(changes.disabled, 'disabled');
      set.disabled = changes.disabled;
    }
    if (changes.password !== undefined) {
      assertString(changes.password, 'password');
      set.passwordHash = await this.hasher.hash(changes.password);
    }
    if (Object.keys(set).length === 0) return this.findById(id);
    const doc = await mongoCall(() =>
      this.model
        .findOneAndUpdate({ _id: id }, { $set: set }, { returnDocument: 'after' })
        .lean<UserDoc>()
        .exec(),
    );
    return doc ? toUser(doc) : null;
  }

  async delete(id: string): Promise<boolean> {
    if (!isRecordId(id)) return false;
    const result = await mongoCall(() => this.model.deleteOne({ _id: id }).exec());
    return result.deletedCount === 1;
  }
}

/** Copies the public fields only: the hash never leaves the store. */
function toUser(doc: UserDoc): SentinelUser {
  return {
    id: doc._id.toHexString(),
    username: doc.username,
    scope: doc.scope,
    disabled: doc.disabled,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}
