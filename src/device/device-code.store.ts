import { digest } from '../crypto/digest.js';
import { generateToken } from '../crypto/token-generator.js';
import type { ExpiringStore } from '../interaction/expiring-store.js';
import {
  isDeviceAuthorization,
  isDeviceDecision,
  type DeviceAuthorization,
  type DeviceDecision,
} from './device-authorization.js';
import { newUserCode } from './user-code.js';

/** Tries to draw a user code that no live authorization holds before giving up. */
const USER_CODE_ATTEMPTS = 8;

/**
 * How long an expired authorization is still recognised, so the device gets `expired_token`
 * and the person reads "expired" rather than "unknown" (RFC 8628 §3.5). Callers compare
 * `expiresAt` with their clock; nothing expired is ever approved or redeemed.
 */
export const RECOGNISE_EXPIRED_MS = 10 * 60_000;

/** RFC 8628 §3.5: a `slow_down` adds 5 seconds to the interval. */
export const SLOW_DOWN_SECONDS = 5;

/** The answer to a poll while the person has not decided (§3.5). */
export type PollOutcome = { outcome: 'pending' } | { outcome: 'slow_down'; interval: number };

/** How management sees a device authorization: metadata only, never a code (issue 14). */
export interface DeviceAuthorizationSummary {
  /** An id for management, derived from the device code's digest (it reveals neither code). */
  id: string;
  clientId: string;
  scope: string[] | null;
  status: 'pending' | 'approved' | 'denied' | 'redeemed' | 'expired';
  requestedAt: number;
  expiresAt: number;
}

/** What the polling state holds: the last accepted poll and the interval now in force. */
interface PollState {
  lastPollAt: number;
  interval: number;
}

/**
 * Device authorizations (RFC 8628) in the interaction layer's {@link ExpiringStore}: Redis when
 * the module has it, else memory — never MongoDB, so polling is cheap (issue 14). Every secret
 * is a SHA-256 digest at rest (docs/security.md 20): the device code keys the record, the user
 * code keys a pointer to it. Keys, each one command on one key (ADR 0012):
 *
 * - `dc:<device digest>` — the {@link DeviceAuthorization}, written once;
 * - `uc:<user code digest>` — the device digest, written with `SET NX` (user codes are unique
 *   among live ones);
 * - `dd:<device digest>` — the decision, `SET NX`: decided once;
 * - `dp:<device digest>` — the polling state, written by polls only;
 * - `dr:<device digest>` — the redemption, `SET NX`: of N concurrent redemptions one wins;
 * - `dl:<client id>` — a sorted index of the client's device digests by expiry, for management.
 * - `dx:<device digest>` — set by a redemption that lost: the winner looks for it after issuing
 *   (ADR 0022, as the authorization code grant does).
 */
export class DeviceCodeStore {
  constructor(private readonly store: ExpiringStore) {}

  /**
   * Stores a new authorization and returns its device code (256 bits) and user code.
   * @throws Error when no free user code was found (the code space is 2^34: practically never).
   */
  async create(
    authorization: Omit<DeviceAuthorization, 'userCodeDigest'>,
    now: number,
  ): Promise<{ deviceCode: string; userCode: string }> {
    const deviceCode = generateToken();
    const deviceDigest = digest(deviceCode);
    const ttlMs = authorization.expiresAt - now + RECOGNISE_EXPIRED_MS;
    for (let attempt = 0; attempt < USER_CODE_ATTEMPTS; attempt++) {
      const userCode = newUserCode();
      const userCodeDigest = digest(userCode);
      if (!(await this.store.setIfAbsent(`uc:${userCodeDigest}`, deviceDigest, ttlMs))) continue;
      const record: DeviceAuthorization = { ...authorization, userCodeDigest };
      await this.store.set(`dc:${deviceDigest}`, JSON.stringify(record), ttlMs);
      await this.store.addToIndex(
        `dl:${record.clientId}`,
        deviceDigest,
        record.expiresAt + RECOGNISE_EXPIRED_MS,
        ttlMs,
      );
      return { deviceCode, userCode };
    }
    throw new Error('No free user code was found');
  }

  /**
   * The authorization of `deviceCode`, with its digest; `null` when unknown (or expired longer
   * than {@link RECOGNISE_EXPIRED_MS} ago). The caller checks `expiresAt`.
   */
  async findByDeviceCode(
    deviceCode: string,
  ): Promise<{ deviceDigest: string; authorization: DeviceAuthorization } | null> {
    const deviceDigest = digest(deviceCode);
    const authorization = await this.read(deviceDigest);
    return authorization === null ? null : { deviceDigest, authorization };
  }

  /** The authorization a canonical user code points at, with its device digest (as above). */
  async findByUserCode(
    userCode: string,
  ): Promise<{ deviceDigest: string; authorization: DeviceAuthorization } | null> {
    const deviceDigest = await this.store.get(`uc:${digest(userCode)}`);
    if (deviceDigest === null) return null;
    const authorization = await this.read(deviceDigest);
    return authorization === null ? null : { deviceDigest, authorization };
  }

  /** The authorization stored under `deviceDigest`, or `null`. */
  async read(deviceDigest: string): Promise<DeviceAuthorization | null> {
    return parse(await this.store.get(`dc:${deviceDigest}`), isDeviceAuthorization);
  }

  /** Records the person's decision; `false` when one was recorded already. */
  async decide(
    deviceDigest: string,
    authorization: DeviceAuthorization,
    decision: DeviceDecision,
    now: number,
  ): Promise<boolean> {
    if (authorization.expiresAt <= now) return false;
    const ttlMs = authorization.expiresAt - now + RECOGNISE_EXPIRED_MS;
    return this.store.setIfAbsent(`dd:${deviceDigest}`, JSON.stringify(decision), ttlMs);
  }

  async decision(deviceDigest: string): Promise<DeviceDecision | null> {
    return parse(await this.store.get(`dd:${deviceDigest}`), isDeviceDecision);
  }

  /**
   * A poll while undecided (§3.5): `slow_down` when it comes sooner than the interval after
   * the last ACCEPTED poll — the interval then grows by 5 s, and the window is not moved (a
   * rejected poll does not push it, docs/security.md 33); otherwise `pending`, and this poll
   * becomes the last accepted one.
   */
  async poll(
    deviceDigest: string,
    authorization: DeviceAuthorization,
    baseInterval: number,
    now: number,
  ): Promise<PollOutcome> {
    const key = `dp:${deviceDigest}`;
    const ttlMs = Math.max(1, authorization.expiresAt - now);
    const state = parse(await this.store.get(key), isPollState);
    if (state !== null && now - state.lastPollAt < state.interval * 1000) {
      const interval = state.interval + SLOW_DOWN_SECONDS;
      await this.store.set(key, JSON.stringify({ ...state, interval }), ttlMs);
      return { outcome: 'slow_down', interval };
    }
    const next: PollState = { lastPollAt: now, interval: state?.interval ?? baseInterval };
    await this.store.set(key, JSON.stringify(next), ttlMs);
    return { outcome: 'pending' };
  }

  /**
   * Uses an approved authorization up: `true` for exactly one caller. The marker outlives the
   * authorization by `keepMs`, so a late second redemption is still recognised as reuse.
   */
  async redeem(deviceDigest: string, now: number, keepMs: number): Promise<boolean> {
    return this.store.setIfAbsent(`dr:${deviceDigest}`, String(now), keepMs);
  }

  /** Whether the authorization was redeemed already. */
  async wasRedeemed(deviceDigest: string): Promise<boolean> {
    return (await this.store.get(`dr:${deviceDigest}`)) !== null;
  }

  /**
   * Marks a second redemption (reuse), before the family is revoked, so the winner — which
   * looks with {@link wasReused} after its tokens are stored — revokes them too when this
   * raced ahead of its insert.
   */
  async recordReuse(deviceDigest: string, now: number, keepMs: number): Promise<void> {
    await this.store.set(`dx:${deviceDigest}`, String(now), keepMs);
  }

  /** Whether a second redemption was recorded ({@link recordReuse}). */
  async wasReused(deviceDigest: string): Promise<boolean> {
    return (await this.store.get(`dx:${deviceDigest}`)) !== null;
  }

  /** Ends an authorization (management cancels it): its codes stop working at once. */
  async cancel(deviceDigest: string, authorization: DeviceAuthorization): Promise<void> {
    await this.store.delete(`uc:${authorization.userCodeDigest}`);
    await this.store.delete(`dc:${deviceDigest}`);
    await this.store.removeFromIndex(`dl:${authorization.clientId}`, deviceDigest);
  }

  /** The client's device authorizations still known (live, or expired within the grace). */
  async listByClient(clientId: string, now: number): Promise<DeviceAuthorizationSummary[]> {
    const digests = await this.store.indexMembers(`dl:${clientId}`, now);
    const summaries: DeviceAuthorizationSummary[] = [];
    for (const deviceDigest of digests) {
      const authorization = await this.read(deviceDigest);
      if (authorization === null || authorization.clientId !== clientId) continue;
      summaries.push({
        id: summaryId(deviceDigest),
        clientId,
        scope: authorization.scope,
        status: await this.status(deviceDigest, authorization, now),
        requestedAt: authorization.requestedAt,
        expiresAt: authorization.expiresAt,
      });
    }
    return summaries.sort((a, b) => b.requestedAt - a.requestedAt);
  }

  /**
   * Cancels every device authorization of a client (the client was deleted or no longer lists
   * the device grant), so none of its codes is answered again. Returns how many.
   */
  async cancelAllOfClient(clientId: string, now: number): Promise<number> {
    let cancelled = 0;
    for (const deviceDigest of await this.store.indexMembers(`dl:${clientId}`, now)) {
      const authorization = await this.read(deviceDigest);
      if (authorization === null || authorization.clientId !== clientId) continue;
      await this.cancel(deviceDigest, authorization);
      cancelled++;
    }
    return cancelled;
  }

  /** Cancels the client's authorization with management id `id`; `false` when there is none. */
  async cancelById(clientId: string, id: string, now: number): Promise<boolean> {
    for (const deviceDigest of await this.store.indexMembers(`dl:${clientId}`, now)) {
      if (summaryId(deviceDigest) !== id) continue;
      const authorization = await this.read(deviceDigest);
      if (authorization === null || authorization.clientId !== clientId) return false;
      await this.cancel(deviceDigest, authorization);
      return true;
    }
    return false;
  }

  private async status(
    deviceDigest: string,
    authorization: DeviceAuthorization,
    now: number,
  ): Promise<DeviceAuthorizationSummary['status']> {
    if (await this.wasRedeemed(deviceDigest)) return 'redeemed';
    const decision = await this.decision(deviceDigest);
    if (decision !== null) return decision.outcome;
    return authorization.expiresAt <= now ? 'expired' : 'pending';
  }
}

/** The management id of a device authorization: 128 bits of a digest of its digest. */
function summaryId(deviceDigest: string): string {
  return digest(`management-id ${deviceDigest}`).slice(0, 32);
}

function isPollState(value: unknown): value is PollState {
  const v = value as Partial<PollState> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.lastPollAt === 'number' &&
    typeof v.interval === 'number'
  );
}

function parse<T>(text: string | null, is: (value: unknown) => value is T): T | null {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return is(value) ? value : null;
  } catch {
    return null;
  }
}
