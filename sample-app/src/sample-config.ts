import type { SentinelModuleOptions } from '../../src/index.js';

/** The sample app's configuration, read from the environment (Flask-Sentinel's names where one existed). */
export interface SampleConfig {
  port: number;
  host: string;
  sentinel: SentinelModuleOptions;
  /** True when neither MONGO_URL nor REDIS_URL is set: the in-memory development default. */
  inMemory: boolean;
}

export function readSampleConfig(env: NodeJS.ProcessEnv): SampleConfig {
  const sentinel: SentinelModuleOptions = {};
  if (env.MONGO_URL) sentinel.mongo = { uri: env.MONGO_URL };
  if (env.REDIS_URL) sentinel.redis = env.REDIS_URL;
  if (env.SENTINEL_ROUTE_PREFIX) sentinel.routePrefix = env.SENTINEL_ROUTE_PREFIX;
  if (env.SENTINEL_TOKEN_URL) sentinel.tokenPath = pathOrFalse(env.SENTINEL_TOKEN_URL);
  if (env.SENTINEL_MANAGEMENT_URL) sentinel.managementPath = pathOrFalse(env.SENTINEL_MANAGEMENT_URL);
  if (env.SENTINEL_MANAGEMENT_USERNAME || env.SENTINEL_MANAGEMENT_PASSWORD) {
    sentinel.management = {
      username: env.SENTINEL_MANAGEMENT_USERNAME,
      password: env.SENTINEL_MANAGEMENT_PASSWORD,
    };
  }
  if (env.SENTINEL_TOKEN_EXPIRES_IN) {
    sentinel.accessTokenTtl = integer('SENTINEL_TOKEN_EXPIRES_IN', env.SENTINEL_TOKEN_EXPIRES_IN);
  }
  return {
    port: env.PORT ? integer('PORT', env.PORT) : 3000,
    host: env.HOST ?? '127.0.0.1',
    sentinel,
    inMemory: !env.MONGO_URL && !env.REDIS_URL,
  };
}

function pathOrFalse(value: string): string | false {
  return value.toLowerCase() === 'false' ? false : value;
}

function integer(name: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`${name} must be a whole number, got "${value}"`);
  return Number(value);
}
