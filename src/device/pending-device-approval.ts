import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * A device approval waiting for the person (RFC 8628 §3.3), parked in the interaction layer's
 * `PendingRequestStore` once the right user code was typed (DESIGN.md "The device flow reuses
 * steps 2–3", ADR 0023). Only a pointer is parked — the device code's digest — with when it
 * was parked and the user code sealed with the approval's id ({@link sealUserCode}: the store
 * alone cannot read it, docs/security.md 20); everything else is read from the device-code store
 * at each step, so a cancelled, expired or answered authorization stops at once.
 */
export interface PendingDeviceApproval {
  /** SHA-256 of the device code: the key of the authorization in the `DeviceCodeStore`. */
  deviceDigest: string;
  /** Epoch milliseconds. */
  parkedAt: number;
  /** The canonical user code, AES-256-GCM under a key derived from the approval's id. */
  sealedUserCode: string;
}

/** DI token of the `PendingRequestStore<PendingDeviceApproval>`. */
export const PENDING_DEVICE_APPROVALS = 'SENTINEL:PENDING_DEVICE_APPROVALS';

/** Checks a value read back from the store. */
export function isPendingDeviceApproval(value: unknown): value is PendingDeviceApproval {
  const v = value as Partial<PendingDeviceApproval> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.deviceDigest === 'string' &&
    typeof v.parkedAt === 'number' &&
    typeof v.sealedUserCode === 'string'
  );
}

/** The key that seals the user code of approval `id`: known to whoever holds the id only. */
function sealingKey(id: string): Buffer {
  return createHash('sha256').update(`sentinel device approval ${id}`, 'utf8').digest();
}

/**
 * The user code sealed for the parked approval `id` (AES-256-GCM), so the confirmation page can
 * show it (RFC 8628 §5.4: the person compares it with the device's screen) while Redis holds
 * neither the code nor the id (the id is stored as its digest, docs/security.md 34).
 */
export function sealUserCode(userCode: string, id: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(id), iv);
  const sealed = Buffer.concat([cipher.update(userCode, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
}

/** The user code sealed by {@link sealUserCode} for `id`, or `null` when it does not open. */
export function openUserCode(sealed: string, id: string): string | null {
  try {
    const bytes = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(id), bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
