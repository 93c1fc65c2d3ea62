/**
 * A device authorization (RFC 8628 §3.1–3.2) as stored under the digest of its device code:
 * what the client asked for and when. The person's decision, the polling state and the
 * redemption are kept under keys of their own (device-code.store.ts), each written by one
 * party only, so a poll never overwrites an approval.
 */
export interface DeviceAuthorization {
  clientId: string;
  /** The scope tokens requested, or `null` when omitted (the client's default). */
  scope: string[] | null;
  /** SHA-256 of the canonical user code. */
  userCodeDigest: string;
  /** Epoch milliseconds. */
  requestedAt: number;
  expiresAt: number;
  /** The token family the tokens will share, so a second redemption can revoke them. */
  familyId: string;
  /**
   * Set when the client is public (it has no secret): its pending polls are then answered
   * from this record before the token endpoint looks the client up (ADR 0022, "Polling").
   */
  publicClient?: boolean;
}

/** What the person decided on the verification page. */
export type DeviceDecision =
  { outcome: 'approved'; userId: string; scope: string } | { outcome: 'denied' };

/** Checks a value read back from the store. */
export function isDeviceAuthorization(value: unknown): value is DeviceAuthorization {
  const v = value as Partial<DeviceAuthorization> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.clientId === 'string' &&
    (v.scope === null || (Array.isArray(v.scope) && v.scope.every((s) => typeof s === 'string'))) &&
    typeof v.userCodeDigest === 'string' &&
    typeof v.requestedAt === 'number' &&
    typeof v.expiresAt === 'number' &&
    typeof v.familyId === 'string' &&
    (v.publicClient === undefined || typeof v.publicClient === 'boolean')
  );
}

export function isDeviceDecision(value: unknown): value is DeviceDecision {
  const v = value as { outcome?: unknown; userId?: unknown; scope?: unknown } | null;
  if (typeof v !== 'object' || v === null) return false;
  if (v.outcome === 'denied') return true;
  return v.outcome === 'approved' && typeof v.userId === 'string' && typeof v.scope === 'string';
}
