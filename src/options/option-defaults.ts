import { DEFAULT_BCRYPT_COST } from '../crypto/password-hasher.js';

/** Defaults of the options that have one (the endpoint paths: `ENDPOINT_PATHS` in route-options.ts). */
export const SENTINEL_DEFAULTS = {
  routePrefix: '/oauth',
  introspectionRateLimit: { limit: 1000, windowSeconds: 60 },
  accessTokenTtl: 3600,
  refreshTokenTtl: 14 * 24 * 3600,
  bcryptCost: DEFAULT_BCRYPT_COST,
  keyPrefix: 'sentinel:',
  realm: 'sentinel',
  redisTimeoutMs: 1000,
  localCache: { maxEntries: 10_000, ttlMs: 2000 },
  mongoTimeoutMs: 5000,
  bruteForce: {
    account: { freeAttempts: 5, lockSeconds: 1, maxLockSeconds: 900, resetAfterSeconds: 3600 },
    ip: { freeAttempts: 50, lockSeconds: 1, maxLockSeconds: 900, resetAfterSeconds: 3600 },
    client: { freeAttempts: 10, lockSeconds: 1, maxLockSeconds: 60, resetAfterSeconds: 3600 },
  },
} as const;
