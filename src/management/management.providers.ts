import type { Provider } from '@nestjs/common';
import { SENTINEL_OPTIONS } from '../sentinel.constants.js';
import { GrantRegistry } from '../token/grants/grant-registry.js';
import { BasicAuthGuard } from './basic-auth.guard.js';
import { loadConsolePage, MANAGEMENT_CONSOLE_PAGE } from './console/console-page.js';
import { ManagementJsonParseErrors } from './json-parse-errors.js';
import { ManagementLoginThrottle } from './login-throttle.js';
import { ManagementClientsService } from './management-clients.service.js';
import { ManagementConsentsService } from './management-consents.service.js';
import { ManagementTokensService } from './management-tokens.service.js';
import { ManagementUsersService } from './management-users.service.js';
import { SameOriginGuard } from './same-origin.guard.js';

/**
 * Providers of the management API and console. The module adds what they inject:
 * `SENTINEL_OPTIONS`, `Clock`, `UserRepository`, `UserStore`, `ClientStore`, `TokenStore`,
 * `ConsentStore` and `TokenRevocationService`. The filter, pipe and interceptor are not listed: Nest instantiates
 * them from the controllers' decorators, in the module that declares the controllers.
 */
export const MANAGEMENT_PROVIDERS: Provider[] = [
  ManagementLoginThrottle,
  BasicAuthGuard,
  SameOriginGuard,
  ManagementJsonParseErrors,
  ManagementUsersService,
  ManagementClientsService,
  ManagementTokensService,
  ManagementConsentsService,
  {
    provide: MANAGEMENT_CONSOLE_PAGE,
    useFactory: loadConsolePage,
    inject: [SENTINEL_OPTIONS, GrantRegistry],
  },
];
