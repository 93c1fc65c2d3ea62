import { Controller, Get, UseGuards } from '@nestjs/common';
import { OAuthGuard, OAuthIdentity, Scopes, type OAuthIdentityInfo } from '../../src/index.js';

/** Protected resources of the sample app. */
@Controller()
@UseGuards(OAuthGuard)
export class EndpointController {
  /** Any valid token gets in (Flask-Sentinel's `@oauth.require_oauth()` example). */
  @Get('endpoint')
  endpoint(): string {
    return 'You made it through and accessed the protected resource!';
  }

  /** Needs the `orders` scope; shows who is calling. */
  @Get('orders')
  @Scopes('orders')
  orders(@OAuthIdentity() identity: OAuthIdentityInfo) {
    return {
      user_id: identity.userId,
      client_id: identity.clientId,
      scope: identity.scope,
      orders: [],
    };
  }
}
