import { randomBytes } from 'node:crypto';
import type { SentinelModuleOptions } from '../../src/index.js';

/** Username of the management account the sample app generates on the in-memory default. */
export const GENERATED_MANAGEMENT_USERNAME = 'admin';

/** The sample app's configuration, read from the environment (Flask-Sentinel's names where one existed). */
export interface SampleConfig {
  port: number;
  host: string;
  sentinel: SentinelModuleOptions;
  /** True when neither MONGO_URL nor REDIS_URL is set: the in-memory development default. */
  inMemory: boolean;
  /**
   * Where the management credentials came from: the SENTINEL_MANAGEMENT_* variables, generated
   * for this run (in-memory default only, so the console opens at once), or none (management
   * stays unmounted and the module says so).
   */
  management: 'environment' | 'generated' | 'none';
}

export function readSampleConfig(env: NodeJS.ProcessEnv): SampleConfig {
  // Shown on the consent page (the demo client at /demo asks for `orders`).
  const sentinel: SentinelModuleOptions = {
    interaction: { scopeDescriptions: { orders: 'See your orders' } },
  };
  if (env.MONGO_URL) sentinel.mongo = { uri: env.MONGO_URL };
  if (env.REDIS_URL) sentinel.redis = env.REDIS_URL;
  if (env.SENTINEL_ROUTE_PREFIX) sentinel.routePrefix = env.SENTINEL_ROUTE_PREFIX;
  if (env.SENTINEL_TOKEN_URL) sentinel.tokenPath = pathOrFalse(env.SENTINEL_TOKEN_URL);
  if (env.SENTINEL_MANAGEMENT_URL)
    sentinel.managementPath = pathOrFalse(env.SENTINEL_MANAGEMENT_URL);
  const inMemory = !env.MONGO_URL && !env.REDIS_URL;
  let management: SampleConfig['management'] = 'none';
  if (env.SENTINEL_MANAGEMENT_USERNAME || env.SENTINEL_MANAGEMENT_PASSWORD) {
    sentinel.management = {
      username: env.SENTINEL_MANAGEMENT_USERNAME,
      password: env.SENTINEL_MANAGEMENT_PASSWORD,
    };
    management = 'environment';
  } else if (inMemory) {
    sentinel.management = {
      username: GENERATED_MANAGEMENT_USERNAME,
      password: randomBytes(18).toString('base64url'),
    };
    management = 'generated';
  }
  if (env.SENTINEL_TOKEN_EXPIRES_IN) {
    sentinel.accessTokenTtl = integer('SENTINEL_TOKEN_EXPIRES_IN', env.SENTINEL_TOKEN_EXPIRES_IN);
  }
  return {
    port: env.PORT ? integer('PORT', env.PORT) : 3000,
    host: env.HOST ?? '127.0.0.1',
    sentinel,
    inMemory,
    management,
  };
}

function pathOrFalse(value: string): string | false {
  return value.toLowerCase() === 'false' ? false : value;
}

function integer(name: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new Error(`${name} must be a whole number, got "${value}"`);
  return Number(value);
}
