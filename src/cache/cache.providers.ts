import type { Provider } from '@nestjs/common';
import { SENTINEL_CACHE } from '../sentinel.constants.js';
import type { SentinelCache } from './cache.factory.js';
import { LocalTokenCache } from './local-token-cache.js';

/**
 * Providers of the token-check hot path beyond the cache port itself. Registered and exported
 * by every form of the module.
 *
 * - {@link LocalTokenCache}: the guard's in-process cache (option `localCache`), or `null` when
 *   it is off or there is no Redis to broadcast revocations over. Its revocation subscription
 *   belongs to the `SENTINEL_CACHE` and is closed with it.
 */
export const CACHE_PROVIDERS: Provider[] = [
  {
    provide: LocalTokenCache,
    useFactory: (cache: SentinelCache) => cache.local ?? null,
    inject: [SENTINEL_CACHE],
  },
];
