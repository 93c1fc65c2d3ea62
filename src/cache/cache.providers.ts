import type { Provider } from '@nestjs/common';

/**
 * Providers of the token-check hot path beyond the cache port itself (in-process cache,
 * revocation broadcast). Registered and exported by every form of the module.
 */
export const CACHE_PROVIDERS: Provider[] = [];
