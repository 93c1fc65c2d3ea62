import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../clock.js';
import { digest } from '../crypto/digest.js';
import { OAuthException } from '../errors/oauth.exception.js';
import type { SignedIn } from '../interaction/current-user.js';
import type { PendingRequestStore } from '../interaction/pending-request-store.js';
import { ClientStore, type SentinelClient } from '../storage/client-store.js';
import { parseScope, resolveScope } from '../token/scope.js';
import type { DeviceAuthorization } from './device-authorization.js';
import type { DeviceCodeStore } from './device-code.store.js';
import { DEVICE_CODES } from './device.providers.js';
import {
  PENDING_DEVICE_APPROVALS,
  openUserCode,
  sealUserCode,
  type PendingDeviceApproval,
} from './pending-device-approval.js';

/** A page instead of the next step, with its status and wording (docs/security.md 33). */
export interface DeviceStop {
  kind: 'stop';
  status: number;
  title: string;
  message: string;
}

/** What a typed user code points at. */
export type UserCodeLookup = { kind: 'found'; deviceDigest: string } | DeviceStop;

/** A parked approval that can still be answered, with what the pages show of it. */
export interface OpenApproval {
  kind: 'open';
  id: string;
  deviceDigest: string;
  /** The canonical user code, to show for comparison with the device (RFC 8628 §5.4). */
  userCode: string;
  authorization: DeviceAuthorization;
  client: SentinelClient;
}

/**
 * The steps of the device verification (RFC 8628 §3.3; DESIGN.md "The device flow reuses steps
 * 2–3"), decided from the server's own state only — the device-code store, the parked
 * approval, the client — never from what the browser sends (docs/security.md 34): a typed code
 * is looked up and parked as a {@link PendingDeviceApproval}; every later step reads the
 * authorization again, so an expired, cancelled or answered one stops there; the decision is
 * recorded once (`DeviceCodeStore.decide`, `SET NX`).
 */
@Injectable()
export class DeviceApprovalSteps {
  constructor(
    @Inject(DEVICE_CODES) private readonly codes: DeviceCodeStore,
    @Inject(PENDING_DEVICE_APPROVALS)
    private readonly pending: PendingRequestStore<PendingDeviceApproval>,
    @Inject(ClientStore) private readonly clients: ClientStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** The authorization of a canonical user code (`normalizeUserCode`), or why it cannot be used. */
  async lookUp(userCode: string): Promise<UserCodeLookup> {
    const found = await this.codes.findByUserCode(userCode);
    if (found === null) return UNKNOWN_CODE;
    const stop = await this.stopOf(found.deviceDigest, found.authorization);
    return stop ?? { kind: 'found', deviceDigest: found.deviceDigest };
  }

  /** Parks an approval of `deviceDigest` typed as `userCode`; the id is for the browser's URL only. */
  park(deviceDigest: string, userCode: string): Promise<string> {
    return this.pending.parkFor((id) => ({
      deviceDigest,
      parkedAt: this.clock.now(),
      sealedUserCode: sealUserCode(userCode, id),
    }));
  }

  /** The parked approval `id`, or the page that says why it is over. */
  async open(id: string): Promise<OpenApproval | DeviceStop> {
    const parked = await this.pending.find(id);
    const userCode = parked === null ? null : openUserCode(parked.sealedUserCode, id);
    if (parked === null || userCode === null) return APPROVAL_EXPIRED;
    const authorization = await this.codes.read(parked.deviceDigest);
    if (authorization === null) return EXPIRED_CODE;
    // The sealed code belongs to this authorization, or the record was tampered with.
    if (digest(userCode) !== authorization.userCodeDigest) return APPROVAL_EXPIRED;
    const stop = await this.stopOf(parked.deviceDigest, authorization);
    if (stop !== null) return stop;
    const client = await this.clients.findById(authorization.clientId);
    if (client === null) return CLIENT_GONE;
    return { kind: 'open', id, deviceDigest: parked.deviceDigest, userCode, authorization, client };
  }

  /**
   * The scope the device would get for `signedIn`: what it asked for within the client's and
   * the user's limits, or the client's default (RFC 8628 §3.1, RFC 6749 §3.3); a stop when it
   * asks for more than that.
   */
  scopeFor(approval: OpenApproval, signedIn: SignedIn): string[] | DeviceStop {
    try {
      const scope = resolveScope(approval.authorization.scope ?? undefined, {
        client: approval.client.scope,
        user: signedIn.user.scope,
      });
      return scope === '' ? [] : parseScope(scope);
    } catch (error) {
      if (error instanceof OAuthException) return SCOPE_TOO_WIDE;
      throw error;
    }
  }

  /**
   * Records Allow (with the scope of {@link scopeFor}) or Deny. The parked approval is used up
   * first, so of two concurrent answers one goes through; the store records one decision.
   */
  async decide(
    approval: OpenApproval,
    signedIn: SignedIn,
    decision: 'allow' | 'deny',
  ): Promise<{ kind: 'decided'; outcome: 'approved' | 'denied' } | DeviceStop> {
    const scopes = decision === 'allow' ? this.scopeFor(approval, signedIn) : [];
    if (!Array.isArray(scopes)) return scopes;
    if ((await this.pending.take(approval.id)) === null) return ALREADY_USED;
    const recorded = await this.codes.decide(
      approval.deviceDigest,
      approval.authorization,
      decision === 'allow'
        ? { outcome: 'approved', userId: signedIn.user.id, scope: scopes.join(' ') }
        : { outcome: 'denied' },
      this.clock.now(),
    );
    if (!recorded) {
      return approval.authorization.expiresAt <= this.clock.now() ? EXPIRED_CODE : ALREADY_USED;
    }
    return { kind: 'decided', outcome: decision === 'allow' ? 'approved' : 'denied' };
  }

  /** Expired (RFC 8628 §3.5: compared with the clock) or decided already: the stop; else `null`. */
  private async stopOf(
    deviceDigest: string,
    authorization: DeviceAuthorization,
  ): Promise<DeviceStop | null> {
    if (authorization.expiresAt <= this.clock.now()) return EXPIRED_CODE;
    if ((await this.codes.decision(deviceDigest)) !== null) return ALREADY_USED;
    return null;
  }
}

/** The code-entry page's wording for a code no live authorization holds. */
export const UNKNOWN_CODE: DeviceStop = {
  kind: 'stop',
  status: 400,
  title: 'Code not found',
  message: 'That code was not found. Check the code on your device and try again.',
};

export const EXPIRED_CODE: DeviceStop = {
  kind: 'stop',
  status: 400,
  title: 'This code has expired',
  message: 'This code has expired. Start again on your device.',
};

export const ALREADY_USED: DeviceStop = {
  kind: 'stop',
  status: 400,
  title: 'This code was already used',
  message: 'This code was already used. Start again on your device to get a new one.',
};

const APPROVAL_EXPIRED: DeviceStop = {
  kind: 'stop',
  status: 400,
  title: 'This page has expired',
  message: 'Enter the code shown on your device again.',
};

const CLIENT_GONE: DeviceStop = {
  kind: 'stop',
  status: 400,
  title: 'This device can no longer be connected',
  message: 'The app was removed or changed its settings. Start again on your device.',
};

const SCOPE_TOO_WIDE: DeviceStop = {
  kind: 'stop',
  status: 400,
  title: 'This device asks for more than your account allows',
  message: 'Start again on your device, or ask an administrator for access.',
};
