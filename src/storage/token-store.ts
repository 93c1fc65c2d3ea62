import type { Page } from './user-store.js';

/**
 * One issued access token, with the refresh token issued beside it (if any). Only SHA-256
 * digests of the tokens are stored (docs/security.md 20). Tokens issued by refreshing share the
 * `familyId` of the original grant, so reuse of a rotated refresh token can revoke them all.
 * @publicApi
 */
export interface TokenRecord {
  id: string;
  accessTokenDigest: string;
  refreshTokenDigest: string | null;
  /** `null` for client_credentials tokens, which act for the client itself. */
  userId: string | null;
  clientId: string;
  scope: string;
  familyId: string;
  issuedAt: Date;
  accessExpiresAt: Date;
  refreshExpiresAt: Date | null;
  /** Set when the refresh token was exchanged (rotated); presenting it again is reuse. */
  refreshConsumedAt: Date | null;
  revoked: boolean;
}

/** @publicApi */
export type NewTokenRecord = Omit<TokenRecord, 'id' | 'refreshConsumedAt' | 'revoked'>;

/** @publicApi */
export interface TokenQuery {
  page: number;
  perPage: number;
  userId?: string;
  clientId?: string;
}

/**
 * An access token a revocation covers: its digest and when it expires.
 * @publicApi
 */
export interface RevokedAccessToken {
  accessTokenDigest: string;
  accessExpiresAt: Date;
}

/**
 * What a revocation did, so callers can report it and caches can be told (docs/security.md 9).
 * @publicApi
 */
export interface Revocation {
  /** Access tokens this call turned off; records that were revoked already are not counted. */
  records: RevokedAccessToken[];
  /**
   * Every matched, revoked record whose access token has not expired at the call's `now`,
   * whether this call or an earlier one revoked it: what caches must tombstone. Reporting the
   * already revoked ones too lets a retry after a failed tombstone write (503) finish the job
   * (ADR 0007). Records inserted concurrently and not revoked are never listed.
   */
  unexpired: RevokedAccessToken[];
}

/**
 * Port: issued tokens. Lookups are by digest, never by raw token.
 * @publicApi
 */
export interface TokenStore {
  /** Persists a new record; resolves only once it is durable (docs/security.md 19). */
  insert(record: NewTokenRecord): Promise<TokenRecord>;
  findByAccessDigest(digest: string): Promise<TokenRecord | null>;
  findByRefreshDigest(digest: string): Promise<TokenRecord | null>;
  findById(id: string): Promise<TokenRecord | null>;
  /**
   * Atomically marks the refresh token consumed, only if it is not consumed, not revoked and not
   * expired at `now` (one conditional update, docs/security.md 6). Of N concurrent callers with one
   * digest exactly one receives the record; the others receive `null`.
   */
  consumeRefresh(digest: string, now: Date): Promise<TokenRecord | null>;
  /** Undoes {@link consumeRefresh} when the replacement pair could not be stored (docs/security.md 19). */
  restoreRefresh(id: string): Promise<void>;
  /**
   * Revokes the record (idempotent). `now` (default: the current time) decides which access
   * tokens {@link Revocation.unexpired} lists; so for the other revocations.
   */
  revokeById(id: string, now?: Date): Promise<Revocation>;
  /**
   * Revokes every record of the family. Every record of the family stored before the call began
   * is covered — on MongoDB the update runs twice, so a rotation whose new pair was stored while
   * the first pass ran is revoked too, and one stored later finds its consumed record already
   * revoked (the refresh grant then sweeps the family itself; RFC 9700 §4.14.2).
   */
  revokeFamily(familyId: string, now?: Date): Promise<Revocation>;
  revokeByUser(userId: string, now?: Date): Promise<Revocation>;
  revokeByClient(clientId: string, now?: Date): Promise<Revocation>;
  /**
   * Revokes every record of `userId` issued to `clientId`, and no other: what a user's withdrawn
   * consent to that client ends (docs/security.md 30). Matches nothing when an id is not a string.
   */
  revokeByUserAndClient(userId: string, clientId: string, now?: Date): Promise<Revocation>;
  list(query: TokenQuery): Promise<Page<TokenRecord>>;
}
/**
 * DI token of the {@link TokenStore} port.
 * @publicApi
 */
export const TokenStore = Symbol('SENTINEL:TokenStore');
