import { describe, expect, it } from '@jest/globals';
import { newSecretId } from '../interaction/secret-ids.js';
import { isPendingDeviceApproval, openUserCode, sealUserCode } from './pending-device-approval.js';

describe('the parked approval’s sealed user code (ADR 0023)', () => {
  it('opens with its approval id only, and never shows the code in clear', () => {
    const id = newSecretId();
    const sealed = sealUserCode('WDJBMJHT', id);
    expect(sealed).not.toContain('WDJBMJHT');
    expect(openUserCode(sealed, id)).toBe('WDJBMJHT');
    expect(openUserCode(sealed, newSecretId())).toBeNull();
  });

  it('refuses a tampered or truncated seal instead of throwing', () => {
    const id = newSecretId();
    const sealed = Buffer.from(sealUserCode('WDJBMJHT', id), 'base64url');
    sealed[sealed.length - 1] ^= 1;
    expect(openUserCode(sealed.toString('base64url'), id)).toBeNull();
    expect(openUserCode('', id)).toBeNull();
    expect(openUserCode('abc', id)).toBeNull();
  });

  it('seals the same code differently each time (random IV)', () => {
    const id = newSecretId();
    expect(sealUserCode('WDJBMJHT', id)).not.toBe(sealUserCode('WDJBMJHT', id));
  });

  it('checks records read back from the store', () => {
    expect(isPendingDeviceApproval({ deviceDigest: 'd', parkedAt: 1, sealedUserCode: 's' })).toBe(
      true,
    );
    expect(isPendingDeviceApproval({ deviceDigest: 'd', parkedAt: 1 })).toBe(false);
    expect(isPendingDeviceApproval(null)).toBe(false);
  });
});
