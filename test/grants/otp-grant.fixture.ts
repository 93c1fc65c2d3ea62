/**
 * A host app's own grant, as the README's "Writing your own grant" shows it: an extension grant
 * (RFC 6749 §4.5) that trades a one-time code, issued by the host's own service, for a token.
 */
import { Global, Inject, Injectable, Module } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import {
  OAuthException,
  TokenIssuerService,
  UserStore,
  parseScope,
  resolveScope,
  type Grant,
  type GrantContext,
  type TokenResponse,
} from '../../src/index.js';

export const OTP_GRANT = 'urn:example:params:oauth:grant-type:otp';

/** The host's service: one-time codes for users, each usable once. */
@Injectable()
export class OtpService {
  private readonly codes = new Map<string, string>();

  issue(userId: string): string {
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, userId);
    return code;
  }

  /** The user the code was issued to, once; `null` for an unknown or used code. */
  consume(code: string): string | null {
    const userId = this.codes.get(code) ?? null;
    this.codes.delete(code);
    return userId;
  }
}

@Global()
@Module({ providers: [OtpService], exports: [OtpService] })
export class OtpModule {}

@Injectable()
export class OtpGrant implements Grant {
  constructor(
    private readonly otp: OtpService,
    @Inject(UserStore) private readonly users: UserStore,
    private readonly issuer: TokenIssuerService,
  ) {}

  async handle({ form, client }: GrantContext): Promise<TokenResponse> {
    if (form.otp === undefined) throw OAuthException.invalidRequest('Missing parameter: otp');
    const requested = form.scope === undefined ? undefined : parseScope(form.scope);
    const userId = this.otp.consume(form.otp);
    const user = userId === null ? null : await this.users.findById(userId);
    if (!user || user.disabled) throw OAuthException.invalidGrant('Invalid one-time code');
    const scope = resolveScope(requested, { client: client.scope, user: user.scope });
    const { response } = await this.issuer.issue({
      grantType: OTP_GRANT,
      clientId: client.clientId,
      userId: user.id,
      scope,
      withRefreshToken: false,
    });
    return response;
  }
}
