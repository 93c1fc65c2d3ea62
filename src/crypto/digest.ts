import { createHash } from 'node:crypto';

/**
 * SHA-256 of a token or secret, hex-encoded. Stores and caches only ever see this digest
 * (docs/security.md 20); a high-entropy token needs no salt or slow hash.
 */
export function digest(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
