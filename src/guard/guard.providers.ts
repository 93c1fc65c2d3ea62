import type { Provider } from '@nestjs/common';
import { AccessTokenVerifier } from './access-token.verifier.js';
import { BearerStrategy } from './bearer.strategy.js';
import { OAuthGuard } from './oauth.guard.js';

/**
 * Providers of the resource side. They need `SENTINEL_OPTIONS`, `Clock` and `TokenCache`;
 * `TokenStore` is optional (absent in resource-server mode). Export them, with
 * `SENTINEL_OPTIONS`, so `@UseGuards(OAuthGuard)` resolves in the host's modules.
 */
export const GUARD_PROVIDERS: Provider[] = [AccessTokenVerifier, BearerStrategy, OAuthGuard];
