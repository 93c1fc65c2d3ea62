import type { Provider } from '@nestjs/common';
import { BruteForceLimiter } from '../abuse/brute-force.limiter.js';
import { ClientAuthenticator } from './client-authenticator.js';
import { ClientCredentialsGrant } from './grants/client-credentials.grant.js';
import { TOKEN_GRANTS, type Grant } from './grants/grant.js';
import { PasswordGrant } from './grants/password.grant.js';
import { RefreshTokenGrant } from './grants/refresh-token.grant.js';
import { PROTOCOL_PROVIDERS } from './protocol-controllers.js';
import { TokenFormReader } from './token-form.reader.js';
import { TokenIssuerService } from './token-issuer.service.js';
import { TokenRevocationService } from './token-revocation.service.js';
import { TokenService } from './token.service.js';

/**
 * Providers of the token endpoint and of the protocol endpoints beside it (revocation,
 * introspection, metadata: {@link PROTOCOL_PROVIDERS}). The module adds the ports they inject:
 * `SENTINEL_OPTIONS`, `Clock`, `UserStore`, `ClientStore`, `TokenStore`, `TokenCache` and,
 * optionally, `SENTINEL_REDIS` (the brute-force limiter counts in memory without it).
 * To add a grant, provide its class and add it to the `TOKEN_GRANTS` factory's `inject`.
 * `OAuthExceptionFilter` is not listed: Nest instantiates it from the controller's `@UseFilters`,
 * in the module that declares the controller (it injects `HttpAdapterHost` and `SENTINEL_OPTIONS`).
 */
export const TOKEN_PROVIDERS: Provider[] = [
  TokenFormReader,
  BruteForceLimiter,
  ClientAuthenticator,
  TokenIssuerService,
  TokenRevocationService,
  TokenService,
  PasswordGrant,
  RefreshTokenGrant,
  ClientCredentialsGrant,
  {
    provide: TOKEN_GRANTS,
    useFactory: (...grants: Grant[]): Grant[] => grants,
    inject: [PasswordGrant, RefreshTokenGrant, ClientCredentialsGrant],
  },
  ...PROTOCOL_PROVIDERS,
];
