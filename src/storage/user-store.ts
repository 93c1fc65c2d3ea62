/**
 * A resource owner as the server sees it. Never carries a password or hash.
 * @publicApi
 */
export interface SentinelUser {
  id: string;
  username: string;
  /** Space-delimited scopes this user may be granted (RFC 6749 §3.3); empty means no restriction. */
  scope: string;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Port: how the token endpoint finds and verifies resource owners (RFC 6749 §4.3.2).
 * Implement this to bring your own users instead of the built-in `sentinel_users` collection.
 * @publicApi
 */
export interface UserStore {
  /**
   * Returns the user when `username` exists, is not disabled and `password` matches; otherwise
   * `null`. Unknown users and wrong passwords must take about the same time (docs/security.md 14):
   * compare against a dummy hash when the user does not exist.
   */
  verifyCredentials(username: string, password: string): Promise<SentinelUser | null>;
  /** Returns the user with this id, or `null`. Used by the refresh grant to re-check the owner. */
  findById(id: string): Promise<SentinelUser | null>;
}
/**
 * DI token of the {@link UserStore} port.
 * @publicApi
 */
export const UserStore = Symbol('SENTINEL:UserStore');

/** @publicApi */
export interface NewUser {
  username: string;
  password: string;
  scope?: string;
  disabled?: boolean;
}

/** @publicApi */
export interface UserChanges {
  password?: string;
  scope?: string;
  disabled?: boolean;
}

/** @publicApi */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  perPage: number;
}

/** @publicApi */
export interface UserQuery {
  page: number;
  perPage: number;
  /** Exact username match. */
  username?: string;
}

/**
 * Port: the built-in user collection, which the management API can also change.
 * @publicApi
 */
export interface UserRepository extends UserStore {
  /** @throws ConflictError when the username is taken. @throws InvalidInputError for a password over 72 bytes. */
  create(user: NewUser): Promise<SentinelUser>;
  list(query: UserQuery): Promise<Page<SentinelUser>>;
  /** @returns the updated user, or `null` when there is no such id. */
  update(id: string, changes: UserChanges): Promise<SentinelUser | null>;
  /** @returns whether a user was deleted. */
  delete(id: string): Promise<boolean>;
}
/**
 * DI token of the {@link UserRepository} port.
 * @publicApi
 */
export const UserRepository = Symbol('SENTINEL:UserRepository');
