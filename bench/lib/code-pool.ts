import mongoose from 'mongoose';
import { s256Challenge } from '../../src/authorization/pkce.js';
import { digest } from '../../src/crypto/digest.js';
import { generateToken } from '../../src/crypto/token-generator.js';
import { MongoAuthorizationCodeStore } from '../../src/storage/mongo/mongo-authorization-code.store.js';

/** A minted code and the PKCE verifier its challenge came from (RFC 7636 §4.1–4.2). */
export interface PooledCode {
  code: string;
  verifier: string;
}

export interface CodePoolTarget {
  mongoUrl: string;
  dbName: string;
  clientId: string;
  /** Users the codes are spread over (each must exist: the grant looks the user up). */
  userIds: readonly string[];
  redirectUri: string;
  scope: string;
}

/** Inserts at a time: each insert is acknowledged by a journaled majority, one round trip. */
const CONCURRENT_INSERTS = 32;

/**
 * Authorization codes minted without a browser, for a benchmark of the token side only
 * (codes are single use, RFC 6749 §4.1.2, so each measured redemption needs its own): records
 * shaped like `AuthorizationCodeIssuer.mint`'s (src/authorization/authorization-code.issuer.ts)
 * — the SHA-256 digest of a 256-bit code, a fresh token family, an S256 challenge — inserted
 * through the module's own `MongoAuthorizationCodeStore` on the server's database. They live
 * `ttlSeconds` (longer than the module's 60 s default, so a pool outlasts the rounds); expiry
 * is checked at redemption from the record, so nothing else differs. The raw codes stay in the
 * orchestrator's memory and are never printed (docs/security.md 35).
 */
export async function mintCodes(
  target: CodePoolTarget,
  count: number,
  ttlSeconds = 3600,
): Promise<PooledCode[]> {
  const connection = await mongoose
    .createConnection(target.mongoUrl, { dbName: target.dbName })
    .asPromise();
  try {
    const store = new MongoAuthorizationCodeStore(connection);
    const pool: PooledCode[] = [];
    for (let done = 0; done < count; done += CONCURRENT_INSERTS) {
      const batch = Array.from({ length: Math.min(CONCURRENT_INSERTS, count - done) }, () => ({
        code: generateToken(),
        verifier: generateToken() + generateToken(),
      }));
      const now = Date.now();
      await Promise.all(
        batch.map(({ code, verifier }, i) =>
          store.insert({
            codeDigest: digest(code),
            clientId: target.clientId,
            userId: target.userIds[(done + i) % target.userIds.length],
            redirectUri: target.redirectUri,
            redirectUriGiven: true,
            scope: target.scope,
            codeChallenge: s256Challenge(verifier),
            familyId: generateToken(),
            issuedAt: new Date(now),
            expiresAt: new Date(now + ttlSeconds * 1000),
          }),
        ),
      );
      pool.push(...batch);
    }
    return pool;
  } finally {
    await connection.close();
  }
}
