import type { Page } from './user-store.js';

/**
 * What a user has agreed to for one client (docs/security.md 30): the scopes granted so far,
 * as one canonical space-delimited string. Remembered consent never covers a scope that is not
 * in it.
 * @publicApi
 */
export interface SentinelConsent {
  userId: string;
  clientId: string;
  /** Granted scopes, canonical (sorted, unique, space-delimited); may be empty. */
  scope: string;
  createdAt: Date;
  updatedAt: Date;
}

/** @publicApi */
export interface ConsentQuery {
  page: number;
  perPage: number;
}

/**
 * Port: remembered consents, one per (user, client). MongoDB in production, memory on the
 * zero-setup default.
 * @publicApi
 */
export interface ConsentStore {
  /** The consent of `userId` for `clientId`, or `null` when there is none (or an id is not a string). */
  find(userId: string, clientId: string): Promise<SentinelConsent | null>;
  /**
   * Remembers that `userId` granted `scopes` to `clientId`: the stored scope becomes the union
   * of what was granted before and `scopes`; no scope is lost when grants race. `now` (default:
   * the current time) becomes `updatedAt`, and `createdAt` of a new consent. Returns the consent
   * as stored.
   * @throws InvalidInputError for an empty or non-string id, or a scope that is not an
   * RFC 6749 §3.3 scope-token.
   */
  grant(
    userId: string,
    clientId: string,
    scopes: readonly string[],
    now?: Date,
  ): Promise<SentinelConsent>;
  /**
   * The user's consents, newest change first (by `updatedAt`, then `clientId`); an empty page for
   * a non-string id.
   * @throws InvalidInputError unless `page` and `perPage` are positive integers.
   */
  listByUser(userId: string, query: ConsentQuery): Promise<Page<SentinelConsent>>;
  /** Withdraws the consent; `false` when there was none. */
  revoke(userId: string, clientId: string): Promise<boolean>;
  /** Withdraws every consent of a user (the user was deleted). Returns how many. */
  revokeAllOfUser(userId: string): Promise<number>;
  /** Withdraws every consent given to a client (the client was deleted). Returns how many. */
  revokeAllOfClient(clientId: string): Promise<number>;
}
/**
 * DI token of the {@link ConsentStore} port.
 * @publicApi
 */
export const ConsentStore = Symbol('SENTINEL:ConsentStore');
