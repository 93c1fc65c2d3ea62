/**
 * One authorization code (RFC 6749 §4.1.2) as stored: its SHA-256 digest, never the code
 * (docs/security.md 20), and everything it is bound to.
 * @publicApi
 */
export interface AuthorizationCodeRecord {
  /** SHA-256 of the code. */
  codeDigest: string;
  clientId: string;
  userId: string;
  /** The redirect URI the code was sent to; the token request must name the same. */
  redirectUri: string;
  /** Whether the authorization request named `redirect_uri` (then the token request must too). */
  redirectUriGiven: boolean;
  /** The granted scope, canonical. */
  scope: string;
  /**
   * The PKCE S256 challenge (RFC 7636 §4.2); `null` when a confidential client was allowed to
   * omit PKCE (`authorizationCode.requirePkceForConfidentialClients: false`).
   */
  codeChallenge: string | null;
  /**
   * The token family the code's tokens will belong to, chosen when the code is minted, so a
   * second redemption can revoke every token issued from it (RFC 6749 §4.1.2).
   */
  familyId: string;
  issuedAt: Date;
  expiresAt: Date;
}

/**
 * What a redemption found:
 * - `redeemed`: this caller is the one that used the code; issue tokens;
 * - `reused`: the code was already redeemed (or is being redeemed right now): refuse, and revoke
 *   the family of `record`;
 * - `unknown`: no such code, or it expired unused.
 * @publicApi
 */
export type CodeRedemption =
  | { outcome: 'redeemed'; record: AuthorizationCodeRecord }
  | { outcome: 'reused'; record: AuthorizationCodeRecord }
  | { outcome: 'unknown' };

/**
 * Port: authorization codes. Redemption is atomic and single use: of N concurrent redemptions
 * of one code exactly one is `redeemed`, every other one `reused` (docs/security.md 25).
 * @publicApi
 */
export interface AuthorizationCodeStore {
  /** @throws StorageUnavailableError when the code could not be stored (none was issued). */
  insert(record: AuthorizationCodeRecord): Promise<void>;
  /**
   * Uses the code up at `now`; see {@link CodeRedemption}. A `reused` answer is recorded before
   * it is returned, so {@link wasReused} sees it.
   */
  redeem(codeDigest: string, now: Date): Promise<CodeRedemption>;
  /**
   * Whether a redemption of the code was refused as reuse. The one `redeemed` caller asks after
   * storing its tokens: a reuse that revoked the code's family before those tokens existed did
   * not cover them, so the caller revokes the family again (RFC 6749 §4.1.2).
   */
  wasReused(codeDigest: string): Promise<boolean>;
}
/**
 * DI token of the {@link AuthorizationCodeStore} port.
 * @publicApi
 */
export const AuthorizationCodeStore = Symbol('SENTINEL:AuthorizationCodeStore');
