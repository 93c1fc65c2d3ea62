import { Inject, Injectable } from '@nestjs/common';
import type { RequestOrigin } from '../abuse/client-address.js';
import { Clock } from '../clock.js';
import { generateToken } from '../crypto/token-generator.js';
import { OAuthException } from '../errors/oauth.exception.js';
import { serverOrigin } from '../metadata/request-origin.js';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import { SENTINEL_OPTIONS } from '../sentinel.constants.js';
import { ClientAuthenticator } from '../token/client-authenticator.js';
import type { TokenForm } from '../token/grants/grant.js';
import { parseScope, resolveScope } from '../token/scope.js';
import type { DeviceCodeStore } from './device-code.store.js';
import { DEVICE_CODE_GRANT_TYPE } from './device-grant-type.js';
import { DEVICE_CODES } from './device.tokens.js';
import { displayUserCode } from './user-code.js';

/**
 * The device authorization response (RFC 8628 §3.2).
 * @publicApi
 */
export interface DeviceAuthorizationResponse {
  /** The device's secret for polling the token endpoint (256 bits; stored as a digest). */
  device_code: string;
  /** What the person types, shown as `XXXX-XXXX` (§6.1). */
  user_code: string;
  /** The verification page, absolute. */
  verification_uri: string;
  /** The page with the code pre-filled (§3.3.1); it never approves by itself. */
  verification_uri_complete: string;
  /** Seconds the codes live. */
  expires_in: number;
  /** Seconds the device waits between polls (§3.5). */
  interval: number;
}

/**
 * The device authorization endpoint's decision flow (RFC 8628 §3.1–3.2): the client is
 * authenticated as at the token endpoint (public clients by `client_id`, RFC 6749 §2.1), must
 * list the device grant (else `unauthorized_client`), and may ask only for scope it is allowed
 * (`invalid_scope`). Then a device code and a unique user code are stored, as digests, in the
 * {@link DeviceCodeStore} (ADR 0022).
 */
@Injectable()
export class DeviceAuthorizationService {
  constructor(
    private readonly clientAuthenticator: ClientAuthenticator,
    @Inject(DEVICE_CODES) private readonly codes: DeviceCodeStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(SENTINEL_OPTIONS) private readonly options: ResolvedSentinelOptions,
  ) {}

  /**
   * @param form the flat form read by `TokenFormReader`.
   * @param authorization the raw `Authorization` header, if any.
   * @param origin where the request came from, for the brute-force limiter (ADR 0011).
   * @param request the platform's raw request: the verification URI is built on its origin
   *   when no issuer is configured.
   * @throws OAuthException `invalid_client`, `unauthorized_client`, `invalid_scope`.
   * @throws StorageUnavailableError when the store is down (503, like the token endpoint).
   */
  async authorize(
    form: TokenForm,
    authorization: string | undefined,
    origin: RequestOrigin,
    request: unknown,
  ): Promise<DeviceAuthorizationResponse> {
    const client = await this.clientAuthenticator.authenticate(form, authorization, origin);
    if (!client.grantTypes.includes(DEVICE_CODE_GRANT_TYPE)) {
      throw OAuthException.unauthorizedClient('The client may not use the device grant');
    }
    const requested = form.scope === undefined ? undefined : parseScope(form.scope);
    // Checked now so a bad scope fails here, not after the person has typed the code (§3.2).
    resolveScope(requested, { client: client.scope });
    const base = serverOrigin(this.options.issuer, request);
    const { codeTtl, interval } = this.options.deviceCode;
    const now = this.clock.now();
    const { deviceCode, userCode } = await this.codes.create(
      {
        clientId: client.clientId,
        scope: requested ?? null,
        requestedAt: now,
        expiresAt: now + codeTtl * 1000,
        familyId: generateToken(),
        publicClient: client.clientType === 'public',
      },
      now,
    );
    const shown = displayUserCode(userCode);
    const verificationUri = `${base}${this.options.devicePath as string}`;
    return {
      device_code: deviceCode,
      user_code: shown,
      verification_uri: verificationUri,
      verification_uri_complete: `${verificationUri}?user_code=${encodeURIComponent(shown)}`,
      expires_in: codeTtl,
      interval,
    };
  }
}
