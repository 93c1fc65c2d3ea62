import type {
  AuthorizationCodeRecord,
  AuthorizationCodeStore,
  CodeRedemption,
} from '../authorization-code-store.js';
import { isQueryString } from '../store-input.js';

interface StoredCode {
  record: AuthorizationCodeRecord;
  redeemed: boolean;
  reused: boolean;
}

/**
 * {@link AuthorizationCodeStore} in process memory: the zero-setup development default. A
 * redemption is one synchronous step between awaits, so it is atomic. Used codes are kept until
 * they expire, so a second redemption is recognised as reuse; expired codes are dropped as new
 * ones are stored.
 */
export class MemoryAuthorizationCodeStore implements AuthorizationCodeStore {
  private readonly codes = new Map<string, StoredCode>();

  async insert(record: AuthorizationCodeRecord): Promise<void> {
    this.dropExpired(record.issuedAt);
    this.codes.set(record.codeDigest, { record: copy(record), redeemed: false, reused: false });
  }

  async redeem(codeDigest: string, now: Date): Promise<CodeRedemption> {
    const stored = isQueryString(codeDigest) ? this.codes.get(codeDigest) : undefined;
    if (stored === undefined) return { outcome: 'unknown' };
    if (stored.redeemed) {
      stored.reused = true;
      return { outcome: 'reused', record: copy(stored.record) };
    }
    if (stored.record.expiresAt.getTime() <= now.getTime()) return { outcome: 'unknown' };
    stored.redeemed = true;
    return { outcome: 'redeemed', record: copy(stored.record) };
  }

  async wasReused(codeDigest: string): Promise<boolean> {
    return this.codes.get(codeDigest)?.reused ?? false;
  }

  private dropExpired(now: Date): void {
    for (const [digest, stored] of this.codes) {
      if (stored.record.expiresAt.getTime() <= now.getTime()) this.codes.delete(digest);
    }
  }
}

function copy(record: AuthorizationCodeRecord): AuthorizationCodeRecord {
  return {
    ...record,
    issuedAt: new Date(record.issuedAt),
    expiresAt: new Date(record.expiresAt),
  };
}
