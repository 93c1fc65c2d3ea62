import type { Provider } from '@nestjs/common';
import { BruteForceLimiter } from '../abuse/brute-force.limiter.js';
import { CountedPasswordCheck } from '../abuse/counted-password-check.js';
import { FixedWindowCounter } from '../abuse/fixed-window-counter.js';
import { ClientAuthenticator } from './client-authenticator.js';
import { IntrospectionRateLimiter } from '../introspection/introspection-rate-limiter.js';
import { IntrospectionService } from '../introspection/introspection.service.js';
import { AuthorizationServerMetadataService } from '../metadata/metadata.service.js';
import { RevocationEndpointService } from '../revocation/revocation-endpoint.service.js';
import { TokenFormReader } from './token-form.reader.js';
import { TokenIssuerService } from './token-issuer.service.js';
import { TokenRevocationService } from '../revocation/token-revocation.service.js';
import { TokenService } from './token.service.js';

/**
 * Providers of the token endpoint and of the protocol endpoints beside it (revocation,
 * introspection, metadata). The module adds the ports they inject:
 * `SENTINEL_OPTIONS`, `Clock`, `UserStore`, `ClientStore`, `TokenStore`, `TokenCache` and,
 * optionally, `SENTINEL_REDIS` (the brute-force limiter counts in memory without it).
 * The grants themselves come from `grantProviders` (the grant registry: built-in and host grants).
 * `OAuthExceptionFilter` is not listed: Nest instantiates it from the controller's `@UseFilters`,
 * in the module that declares the controller (it injects `HttpAdapterHost` and `SENTINEL_OPTIONS`).
 */
export const TOKEN_PROVIDERS: Provider[] = [
  TokenFormReader,
  BruteForceLimiter,
  CountedPasswordCheck,
  ClientAuthenticator,
  TokenIssuerService,
  TokenRevocationService,
  TokenService,
  RevocationEndpointService,
  IntrospectionService,
  FixedWindowCounter,
  IntrospectionRateLimiter,
  AuthorizationServerMetadataService,
];
