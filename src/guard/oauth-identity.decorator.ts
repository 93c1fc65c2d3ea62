import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { OAuthIdentity as Identity } from './oauth-identity.js';

/**
 * Route parameter: the {@link Identity | identity} of the access token, as authenticated by
 * {@link OAuthGuard}. Give a field name for one field only.
 *
 * ```ts
 * @UseGuards(OAuthGuard)
 * @Get('me')
 * me(@OAuthIdentity() identity: OAuthIdentity, @OAuthIdentity('userId') userId: string | null) {}
 * ```
 * On a route without the guard there is no identity: the request fails with a 500 rather than
 * run the handler unauthenticated.
 * @publicApi
 */
export const OAuthIdentity = createParamDecorator(
  (field: keyof Identity | undefined, context: ExecutionContext) => {
    const identity = context.switchToHttp().getRequest<{ user?: Identity }>().user;
    if (identity === undefined || identity === null) {
      throw new Error('@OAuthIdentity() is used on a route that OAuthGuard does not protect');
    }
    return field === undefined ? identity : identity[field];
  },
);

/**
 * The identity type, under the decorator's name, so one import gives both.
 * @publicApi
 */
export type OAuthIdentity = Identity;
