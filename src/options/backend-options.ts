import type { Type } from '@nestjs/common';
import { isClusterConfig, isRedisClient } from '../cache/redis-connection.js';
import type { UserStore } from '../storage/user-store.js';
import type { ResolvedSentinelOptions } from './resolved-options.js';
import type { SentinelMongoConfig, SentinelRedisConfig } from '../sentinel-options.js';
import { SentinelConfigError, optionalString, positiveInteger } from './option-checks.js';
import { SENTINEL_DEFAULTS } from './option-defaults.js';

export function resolveRedis(value: unknown): SentinelRedisConfig | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    if (!/^rediss?:\/\//.test(value)) {
      throw new SentinelConfigError('redis', 'URL must start with redis:// or rediss://');
    }
    return value;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SentinelConfigError(
      'redis',
      'must be a URL, ioredis options, { clusterNodes } or an ioredis Redis / Cluster client',
    );
  }
  if (isRedisClient(value)) return value;
  if (isClusterConfig(value)) {
    if (value.clusterNodes.length === 0) {
      throw new SentinelConfigError('redis.clusterNodes', 'must list at least one node');
    }
    return value;
  }
  const options = value as Record<string, unknown>;
  if ('clusterNodes' in options) {
    throw new SentinelConfigError('redis.clusterNodes', 'must be an array of cluster nodes');
  }
  if (options.sentinels !== undefined) {
    // ioredis asks the Sentinels for the primary named `name` (https://redis.io/docs/management/sentinel/).
    if (!Array.isArray(options.sentinels) || options.sentinels.length === 0) {
      throw new SentinelConfigError(
        'redis.sentinels',
        'must be a non-empty array of { host, port }',
      );
    }
    if (typeof options.name !== 'string' || options.name === '') {
      throw new SentinelConfigError('redis.name', 'must name the primary the Sentinels monitor');
    }
  }
  return value as SentinelRedisConfig;
}

export function resolveMongo(value: unknown): SentinelMongoConfig | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) {
    throw new SentinelConfigError('mongo', 'must be { uri, dbName? } or { connectionName? }');
  }
  const config = value as Record<string, unknown>;
  if ('uri' in config) {
    if (typeof config.uri !== 'string' || !/^mongodb(\+srv)?:\/\//.test(config.uri)) {
      throw new SentinelConfigError('mongo.uri', 'must be a mongodb:// or mongodb+srv:// URI');
    }
    if ('connectionName' in config) {
      throw new SentinelConfigError('mongo', 'give either uri or connectionName, not both');
    }
    const writeConcern = config.writeConcern ?? 'majority';
    if (
      writeConcern !== 'majority' &&
      !(typeof writeConcern === 'number' && Number.isInteger(writeConcern) && writeConcern >= 1)
    ) {
      throw new SentinelConfigError('mongo.writeConcern', "must be 'majority' or a number ≥ 1");
    }
    return {
      uri: config.uri,
      dbName: optionalString('mongo.dbName', config.dbName),
      writeConcern,
    };
  }
  return { connectionName: optionalString('mongo.connectionName', config.connectionName) };
}

/** Longest `localCache.ttlMs`: the cache must stay short-lived (see the option). */
export const MAX_LOCAL_CACHE_TTL_MS = 60_000;

export function resolveLocalCache(value: unknown): ResolvedSentinelOptions['localCache'] {
  if (value === undefined || value === false) return false;
  const defaults = SENTINEL_DEFAULTS.localCache;
  if (value === true) return { ...defaults };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SentinelConfigError('localCache', 'must be a boolean or { maxEntries?, ttlMs? }');
  }
  const given = value as { maxEntries?: unknown; ttlMs?: unknown };
  const ttlMs = positiveInteger('localCache.ttlMs', given.ttlMs, defaults.ttlMs);
  if (ttlMs > MAX_LOCAL_CACHE_TTL_MS) {
    throw new SentinelConfigError('localCache.ttlMs', `must be at most ${MAX_LOCAL_CACHE_TTL_MS}`);
  }
  return {
    maxEntries: positiveInteger('localCache.maxEntries', given.maxEntries, defaults.maxEntries),
    ttlMs,
  };
}

export function resolveUserStore(value: unknown): ResolvedSentinelOptions['userStore'] {
  if (value === undefined) return undefined;
  if (typeof value === 'function') return value as Type<UserStore>;
  const store = value as Partial<UserStore> | null;
  if (
    typeof store !== 'object' ||
    store === null ||
    typeof store.verifyCredentials !== 'function' ||
    typeof store.findById !== 'function'
  ) {
    throw new SentinelConfigError(
      'userStore',
      'must be a class or an object with verifyCredentials() and findById()',
    );
  }
  return store as UserStore;
}
