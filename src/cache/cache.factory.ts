import type { ResolvedSentinelOptions } from '../sentinel-options.js';
import { MemoryTokenCache } from './memory-token-cache.js';
import { closeRedis, openRedis, waitForRedis, type RedisConnection } from './redis-connection.js';
import { RedisTokenCache } from './redis-token-cache.js';
import type { TokenCache } from './token-cache.js';

/** How long start-up waits for a Redis the module connects to before going on without it. */
const STARTUP_WAIT_MS = 3000;

/** The token cache the options ask for, and how to release it. */
export interface SentinelCache {
  kind: 'redis' | 'memory';
  cache: TokenCache;
  /** The Redis connection, when there is one (pub/sub and the limiter use it too). */
  redis?: RedisConnection;
  close(): Promise<void>;
}

export async function createCache(options: ResolvedSentinelOptions): Promise<SentinelCache> {
  if (options.redis === undefined) {
    return { kind: 'memory', cache: new MemoryTokenCache(), close: async () => undefined };
  }
  const redis = openRedis(options.redis, { commandTimeoutMs: options.redisTimeoutMs });
  // A cache that is down at start-up must not stop the app: MongoDB answers until it returns.
  if (redis.owned) await waitForRedis(redis.client, STARTUP_WAIT_MS);
  return {
    kind: 'redis',
    cache: new RedisTokenCache(redis.client, options.tokenKeyPrefix),
    redis,
    close: () => closeRedis(redis),
  };
}
