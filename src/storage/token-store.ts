import type { Page } from './user-store.js';

/**
 * One issued access token, with the refresh token issued beside it (if any). Only SHA-256
 * digests of the tokens are stored (SECURITY.md 20). Tokens issued by refreshing share the
 * `familyId` of the original grant, so reuse of a rotated refresh token can revoke them all.
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

export type NewTokenRecord = Omit<TokenRecord, 'id' | 'refreshConsumedAt' | 'revoked'>;

export interface TokenQuery {
  page: number;
  perPage: number;
  userId?: string;
  clientId?: string;
}

/** The access tokens a revocation just turned off, so caches can be told (SECURITY.md 9). */
export interface Revocation {
  records: Array<{ accessTokenDigest: string; accessExpiresAt: Date }>;
}

/** Port: issued tokens. Lookups are by digest, never by raw token. */
export interface TokenStore {
  /** Persists a new record; resolves only once it is durable (SECURITY.md 19). */
  insert(record: NewTokenRecord): Promise<TokenRecord>;
  findByAccessDigest(digest: string): Promise<TokenRecord | null>;
  findByRefreshDigest(digest: string): Promise<TokenRecord | null>;
  findById(id: string): Promise<TokenRecord | null>;
  /**
   * Atomically marks the refresh token consumed, only if it is not consumed, not revoked and not
   * expired at `now` (one conditional update, SECURITY.md 6). Of N concurrent callers with one
   * digest exactly one receives the record; the others receive `null`.
   */
  consumeRefresh(digest: string, now: Date): Promise<TokenRecord | null>;
  /** Undoes {@link consumeRefresh} when the replacement pair could not be stored (SECURITY.md 19). */
  restoreRefresh(id: string): Promise<void>;
  revokeById(id: string): Promise<Revocation>;
  revokeFamily(familyId: string): Promise<Revocation>;
  revokeByUser(userId: string): Promise<Revocation>;
  revokeByClient(clientId: string): Promise<Revocation>;
  list(query: TokenQuery): Promise<Page<TokenRecord>>;
}
/** DI token of the {@link TokenStore} port. */
export const TokenStore = Symbol('SENTINEL:TokenStore');
