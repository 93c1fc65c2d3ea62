import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import { LocallyEvictingTokenCache, LocalTokenCache } from './local-token-cache.js';
import { MemoryTokenCache } from './memory-token-cache.js';
import { closeRedis, openRedis, waitForRedis, type RedisConnection } from './redis-connection.js';
import { RedisTokenCache } from './redis-token-cache.js';
import { revocationChannel, RevocationSubscriber } from './revocation-broadcast.js';
import type { TokenStore } from '../storage/token-store.js';
import type { TokenCache } from './token-cache.js';

/** How long start-up waits for a Redis the module connects to before going on without it. */
const STARTUP_WAIT_MS = 3000;

/** The token cache the options ask for, and how to release it. */
export interface SentinelCache {
  kind: 'redis' | 'memory';
  cache: TokenCache;
  /** The Redis connection, when there is one (pub/sub and the limiter use it too). */
  redis?: RedisConnection;
  /** The guard's in-process cache (option `localCache`, with Redis only). */
  local?: LocalTokenCache;
  close(): Promise<void>;
}

/**
 * @param tokens the token store, when this instance has one (not in resource-server mode): after
 *   a Redis restart or failover, cached entries are checked against it (ADR 0017).
 */
export async function createCache(
  options: ResolvedSentinelOptions,
  tokens?: Pick<TokenStore, 'findByAccessDigest'>,
): Promise<SentinelCache> {
  if (options.redis === undefined) {
    return { kind: 'memory', cache: new MemoryTokenCache(), close: async () => undefined };
  }
  const redis = openRedis(options.redis, { commandTimeoutMs: options.redisTimeoutMs });
  // A cache that is down at start-up must not stop the app: MongoDB answers until it returns.
  if (redis.owned) await waitForRedis(redis.client, STARTUP_WAIT_MS);
  const channel = revocationChannel(options.keyPrefix);
  // Revocations are announced whether or not this instance keeps a local cache: others may.
  const isStillLive =
    tokens === undefined
      ? undefined
      : async (digest: string) => {
          const record = await tokens.findByAccessDigest(digest);
          return (
            record !== null && !record.revoked && record.accessExpiresAt.getTime() > Date.now()
          );
        };
  const shared = new RedisTokenCache(redis.client, options.tokenKeyPrefix, channel, {
    guardStaleEntries: true,
    isStillLive,
  });
  // Bounded: until the data is verified, live entries are checked against MongoDB (ADR 0017).
  if (redis.client.status === 'ready') await shared.staleEntries?.whenVerified(STARTUP_WAIT_MS);
  const closeShared = async () => {
    shared.staleEntries?.close();
    await closeRedis(redis);
  };
  if (options.localCache === false) {
    return { kind: 'redis', cache: shared, redis, close: closeShared };
  }
  const local = new LocalTokenCache(options.localCache.maxEntries, options.localCache.ttlMs);
  const subscriber = new RevocationSubscriber(redis.client, channel, local);
  // Bounded like the connection itself; until the subscription is live the cache is bypassed.
  await subscriber.start(redis.client.status === 'ready' ? STARTUP_WAIT_MS : 0);
  return {
    kind: 'redis',
    cache: new LocallyEvictingTokenCache(shared, local),
    redis,
    local,
    close: async () => {
      await subscriber.close();
      await closeShared();
    },
  };
}
