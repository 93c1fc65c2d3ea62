import { HttpStatus, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Clock } from '../../clock.js';
import type { DeviceAuthorization } from '../../device/device-authorization.js';
import { RECOGNISE_EXPIRED_MS, type DeviceCodeStore } from '../../device/device-code.store.js';
import { DEVICE_CODE_GRANT_TYPE } from '../../device/device-grant-type.js';
import { DEVICE_CODES } from '../../device/device.tokens.js';
import { OAuthErrorCode } from '../../errors/oauth-error-code.js';
import { OAuthException } from '../../errors/oauth.exception.js';
import type { ResolvedSentinelOptions } from '../../options/resolved-options.js';
import { TokenRevocationService } from '../../revocation/token-revocation.service.js';
import { SENTINEL_OPTIONS } from '../../sentinel.constants.js';
import type { SentinelClient } from '../../storage/client-store.js';
import { UserStore } from '../../storage/user-store.js';
import { TokenIssuerService } from '../token-issuer.service.js';
import type { Grant, GrantContext, TokenResponse } from './grant.js';

/** One description for every unusable device code, so a caller learns nothing about why. */
export const INVALID_DEVICE_CODE = 'Invalid device code';

/** The approved decision the tokens are issued for. */
interface Approval {
  deviceDigest: string;
  authorization: DeviceAuthorization;
  userId: string;
  scope: string;
}

/**
 * Device authorization grant, token side (RFC 8628 §3.4–3.5; docs/security.md 12, 33;
 * ADR 0022). In this order:
 *
 * 1. `device_code` is required; an unknown one is `invalid_grant`, and so is one issued to
 *    another client — checked before anything is written, so another client's polls never
 *    move the code's polling state.
 * 2. Approved: collected at once, whatever the polling pace (the approval is read before the
 *    polling rules, so `slow_down` never applies to it). Redeemed atomically
 *    ({@link DeviceCodeStore.redeem}): of N concurrent polls one gets the tokens; every later
 *    one is `invalid_grant` and revokes the tokens issued from the code (their shared family),
 *    and after issuing the winner looks for such a reuse and revokes again, as the
 *    authorization code grant does. The user must still exist and be enabled
 *    (docs/security.md 32).
 * 3. Expired (`expiresAt <= now`) → `expired_token`; denied → `access_denied`.
 * 4. Undecided → `slow_down` when sooner than the interval after the last accepted poll (the
 *    interval grows by 5 s), else `authorization_pending`. This path reads Redis or memory only.
 *
 * Without the device endpoint (`deviceAuthorizationPath: false`) no device code can exist, and
 * the grant answers `unsupported_grant_type`.
 */
@Injectable()
export class DeviceCodeGrant implements Grant {
  private readonly logger = new Logger('SentinelDeviceCodeGrant');

  constructor(
    @Optional() @Inject(DEVICE_CODES) private readonly codes: DeviceCodeStore | null | undefined,
    @Inject(UserStore) private readonly users: UserStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(SENTINEL_OPTIONS) private readonly options: ResolvedSentinelOptions,
    private readonly issuer: TokenIssuerService,
    private readonly revocation: TokenRevocationService,
  ) {}

  async handle({ form, client }: GrantContext): Promise<TokenResponse> {
    const codes = this.codes;
    // Nest injects `undefined` for a missing optional provider.
    if (codes === null || codes === undefined)
      throw OAuthException.unsupportedGrantType('The grant type is not supported');
    const deviceCode = form.device_code;
    if (deviceCode === undefined) {
      throw OAuthException.invalidRequest('Missing parameter: device_code');
    }
    const found = await codes.findByDeviceCode(deviceCode);
    if (found === null || found.authorization.clientId !== client.clientId) {
      throw OAuthException.invalidGrant(INVALID_DEVICE_CODE);
    }
    const { deviceDigest, authorization } = found;
    const now = this.clock.now();
    const decision = await codes.decision(deviceDigest);
    if (decision?.outcome === 'approved') {
      return this.collect(codes, client, now, { deviceDigest, authorization, ...decision });
    }
    if (authorization.expiresAt <= now) throw OAuthException.expiredToken();
    if (decision?.outcome === 'denied') {
      // A token endpoint error, so 400 (RFC 8628 §3.5, RFC 6749 §5.2), not the page's 403.
      throw new OAuthException(
        OAuthErrorCode.AccessDenied,
        'The user denied the request',
        HttpStatus.BAD_REQUEST,
      );
    }
    const poll = await codes.poll(
      deviceDigest,
      authorization,
      this.options.deviceCode.interval,
      now,
    );
    if (poll.outcome === 'slow_down') throw OAuthException.slowDown(poll.interval);
    throw OAuthException.authorizationPending();
  }

  /**
   * The answer to a public client's poll of a pending code, before the token endpoint looks the
   * client up (ADR 0022, "Polling"): `authorization_pending` or `slow_down` when `device_code`
   * is a live, undecided code issued to the public client named by `client_id`; `null`
   * otherwise (unknown, another client's, decided, expired, a confidential client), and the
   * request then takes the normal path. The 256-bit device code identifies the poll as well as
   * the client id does, so the answer reveals nothing the normal path would not; the client
   * record is not needed because management cancels a client's device authorizations when it
   * deletes the client or removes the grant. Reads Redis or memory only.
   */
  async answerPendingPoll(form: GrantContext['form']): Promise<OAuthException | null> {
    const codes = this.codes;
    const { device_code: deviceCode, client_id: clientId } = form;
    if (codes === null || codes === undefined || deviceCode === undefined) return null;
    if (clientId === undefined || form.client_secret !== undefined) return null;
    const found = await codes.findByDeviceCode(deviceCode);
    if (found === null) return null;
    const { deviceDigest, authorization } = found;
    const now = this.clock.now();
    if (
      authorization.publicClient !== true ||
      authorization.clientId !== clientId ||
      authorization.expiresAt <= now ||
      (await codes.decision(deviceDigest)) !== null
    ) {
      return null;
    }
    const poll = await codes.poll(
      deviceDigest,
      authorization,
      this.options.deviceCode.interval,
      now,
    );
    return poll.outcome === 'slow_down'
      ? OAuthException.slowDown(poll.interval)
      : OAuthException.authorizationPending();
  }

  /** Step 2: one redemption of an approved code. */
  private async collect(
    codes: DeviceCodeStore,
    client: SentinelClient,
    now: number,
    approval: Approval,
  ): Promise<TokenResponse> {
    const { deviceDigest, authorization } = approval;
    const keepMs = Math.max(1, authorization.expiresAt - now) + RECOGNISE_EXPIRED_MS;
    if (authorization.expiresAt <= now) {
      // Never redeemed in time: expired. Redeemed already: a reuse, handled as below.
      if (!(await codes.wasRedeemed(deviceDigest))) throw OAuthException.expiredToken();
      return this.reused(codes, approval, now, keepMs);
    }
    if (!(await codes.redeem(deviceDigest, now, keepMs))) {
      return this.reused(codes, approval, now, keepMs);
    }
    const user = await this.users.findById(approval.userId);
    if (!user || user.disabled) throw OAuthException.invalidGrant(INVALID_DEVICE_CODE);
    const { response } = await this.issuer.issue({
      grantType: DEVICE_CODE_GRANT_TYPE,
      clientId: client.clientId,
      userId: user.id,
      scope: approval.scope,
      withRefreshToken: client.grantTypes.includes('refresh_token'),
      familyId: authorization.familyId,
    });
    // A reuse that revoked the family before these tokens were stored (ADR 0022).
    if (await codes.wasReused(deviceDigest)) {
      await this.revocation.revokeFamily(authorization.familyId);
    }
    return response;
  }

  /** A second redemption: recorded, the tokens of the code revoked, `invalid_grant`. */
  private async reused(
    codes: DeviceCodeStore,
    approval: Approval,
    now: number,
    keepMs: number,
  ): Promise<never> {
    this.logger.warn(
      `Device code reuse for client ${approval.authorization.clientId}: ` +
        'revoking the tokens issued from it',
    );
    await codes.recordReuse(approval.deviceDigest, now, keepMs);
    await this.revocation.revokeFamily(approval.authorization.familyId);
    throw OAuthException.invalidGrant(INVALID_DEVICE_CODE);
  }
}
