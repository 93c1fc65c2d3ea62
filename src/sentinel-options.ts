import type { Type } from '@nestjs/common';
import type { Redis, RedisOptions } from 'ioredis';
import { DEFAULT_BCRYPT_COST, MIN_BCRYPT_COST } from './crypto/password-hasher.js';
import type { UserStore } from './storage/user-store.js';

/** Redis to use: a URL, ioredis options, or an existing client (which the module never closes). */
export type SentinelRedisConfig = string | RedisOptions | Redis;

/**
 * MongoDB to use: either a URI (and database name) the module connects to itself, or the name of
 * a connection the host app opened with `MongooseModule.forRoot(uri, { connectionName })`
 * (omit `connectionName` for the app's default connection).
 */
export type SentinelMongoConfig = { uri: string; dbName?: string } | { connectionName?: string };

/** Protection of the management API and console (SECURITY.md 15). */
export interface SentinelManagementOptions {
  /** Basic-auth username. Management is not mounted unless username and password are set. */
  username?: string;
  /** Basic-auth password. */
  password?: string;
  /**
   * Mounts management WITHOUT authentication. Only for throw-away local setups; the module logs a
   * loud warning. Must be exactly `true`.
   */
  dangerouslyAllowUnauthenticated?: boolean;
  /** Path of an HTML file served instead of the built-in console (Flask-Sentinel's template). */
  consoleFile?: string;
}

/** Options of {@link SentinelModule.forRoot}. Every field is optional. */
export interface SentinelModuleOptions {
  /** Prefix of every route of the module. Default `/oauth` (Flask-Sentinel `SENTINEL_ROUTE_PREFIX`). */
  routePrefix?: string;
  /** Path of the token endpoint under the prefix; `false` disables it. Default `/token`. */
  tokenPath?: string | false;
  /** Path of the management API and console under the prefix; `false` disables it. Default `/management`. */
  managementPath?: string | false;
  /** Management credentials (Flask-Sentinel `SENTINEL_MANAGEMENT_USERNAME` / `_PASSWORD`). */
  management?: SentinelManagementOptions;
  /** Redis for the token cache. Omitted: an in-process cache (development only). */
  redis?: SentinelRedisConfig;
  /** MongoDB for users, clients and tokens. Omitted: in-memory stores (development only). */
  mongo?: SentinelMongoConfig;
  /** Access-token lifetime in seconds (RFC 6749 §5.1 `expires_in`). Default 3600. */
  accessTokenTtl?: number;
  /** Refresh-token lifetime in seconds. Default 1 209 600 (14 days). */
  refreshTokenTtl?: number;
  /** bcrypt cost for user passwords, at least 10 (SECURITY.md 16). Default 12. */
  bcryptCost?: number;
  /** `error_uri` added to error responses (RFC 6749 §5.2). Default none. */
  errorUri?: string;
  /** Prefix of every Redis key the module writes. Default `sentinel:`. */
  keyPrefix?: string;
  /** Realm named in `WWW-Authenticate` challenges. Default `sentinel`. */
  realm?: string;
  /** Time budget of one Redis command in milliseconds before falling back to MongoDB. Default 1000. */
  redisTimeoutMs?: number;
  /**
   * Bring your own users: a provider class (instantiated by Nest, may inject the host app's
   * services) or an instance implementing {@link UserStore}. Replaces the built-in users
   * collection for the password grant; the management API then manages clients and tokens only.
   */
  userStore?: Type<UserStore> | UserStore;
}

/** Options after defaults and validation; what the module's services read. */
export interface ResolvedSentinelOptions {
  routePrefix: string;
  /** Full path of the token endpoint, e.g. `/oauth/token`, or `false`. */
  tokenPath: string | false;
  /** Full path of management, e.g. `/oauth/management`, or `false` when disabled or unprotected. */
  managementPath: string | false;
  management: {
    username?: string;
    password?: string;
    dangerouslyAllowUnauthenticated: boolean;
    consoleFile?: string;
  };
  redis?: SentinelRedisConfig;
  mongo?: SentinelMongoConfig;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  bcryptCost: number;
  errorUri?: string;
  keyPrefix: string;
  /** Prefix of access-token cache keys: `${keyPrefix}token:`. */
  tokenKeyPrefix: string;
  realm: string;
  redisTimeoutMs: number;
  userStore?: Type<UserStore> | UserStore;
}

export const SENTINEL_DEFAULTS = {
  routePrefix: '/oauth',
  tokenPath: '/token',
  managementPath: '/management',
  accessTokenTtl: 3600,
  refreshTokenTtl: 14 * 24 * 3600,
  bcryptCost: DEFAULT_BCRYPT_COST,
  keyPrefix: 'sentinel:',
  realm: 'sentinel',
  redisTimeoutMs: 1000,
} as const;

/** Bad configuration, naming the offending field. Thrown at bootstrap. */
export class SentinelConfigError extends Error {
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`nestjs-sentinel: invalid option "${field}": ${problem}`);
    this.name = 'SentinelConfigError';
  }
}

const PATH_PATTERN = /^\/[A-Za-z0-9._~\-/]*$/;

/** Merges defaults and validates every field; the single place options are interpreted. */
export function resolveSentinelOptions(
  options: SentinelModuleOptions = {},
): ResolvedSentinelOptions {
  if (typeof options !== 'object' || options === null) {
    throw new SentinelConfigError('options', 'must be an object');
  }
  const routePrefix = normalizePath(
    'routePrefix',
    options.routePrefix ?? SENTINEL_DEFAULTS.routePrefix,
    true,
  );
  const tokenPath = optionalPath('tokenPath', options.tokenPath, SENTINEL_DEFAULTS.tokenPath);
  const managementPath = optionalPath(
    'managementPath',
    options.managementPath,
    SENTINEL_DEFAULTS.managementPath,
  );
  const management = resolveManagement(options.management);
  const keyPrefix = options.keyPrefix ?? SENTINEL_DEFAULTS.keyPrefix;
  if (typeof keyPrefix !== 'string') throw new SentinelConfigError('keyPrefix', 'must be a string');

  const resolved: ResolvedSentinelOptions = {
    routePrefix,
    tokenPath: tokenPath === false ? false : join(routePrefix, tokenPath),
    managementPath: managementPath === false ? false : join(routePrefix, managementPath),
    management,
    redis: resolveRedis(options.redis),
    mongo: resolveMongo(options.mongo),
    accessTokenTtl: positiveInteger(
      'accessTokenTtl',
      options.accessTokenTtl,
      SENTINEL_DEFAULTS.accessTokenTtl,
    ),
    refreshTokenTtl: positiveInteger(
      'refreshTokenTtl',
      options.refreshTokenTtl,
      SENTINEL_DEFAULTS.refreshTokenTtl,
    ),
    bcryptCost: bcryptCost(options.bcryptCost),
    errorUri: optionalString('errorUri', options.errorUri),
    keyPrefix,
    tokenKeyPrefix: `${keyPrefix}token:`,
    realm: realm(options.realm),
    redisTimeoutMs: positiveInteger(
      'redisTimeoutMs',
      options.redisTimeoutMs,
      SENTINEL_DEFAULTS.redisTimeoutMs,
    ),
    userStore: resolveUserStore(options.userStore),
  };
  return resolved;
}

function normalizePath(field: string, value: unknown, allowRoot: boolean): string {
  if (typeof value !== 'string') throw new SentinelConfigError(field, 'must be a string path');
  const withSlash = value.startsWith('/') ? value : `/${value}`;
  const trimmed = withSlash.length > 1 ? withSlash.replace(/\/+$/, '') : withSlash;
  if (!PATH_PATTERN.test(trimmed) || trimmed.includes('//')) {
    throw new SentinelConfigError(field, `"${value}" is not a plain URL path like /oauth`);
  }
  if (!allowRoot && trimmed === '/') throw new SentinelConfigError(field, 'must not be "/"');
  return trimmed;
}

function optionalPath(field: string, value: unknown, fallback: string): string | false {
  if (value === false) return false;
  return normalizePath(field, value ?? fallback, false);
}

function join(prefix: string, path: string): string {
  return prefix === '/' ? path : `${prefix}${path}`;
}

function positiveInteger(field: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new SentinelConfigError(field, 'must be a positive integer');
  }
  return value;
}

function bcryptCost(value: unknown): number {
  const cost = positiveInteger('bcryptCost', value, SENTINEL_DEFAULTS.bcryptCost);
  if (cost < MIN_BCRYPT_COST || cost > 31) {
    throw new SentinelConfigError('bcryptCost', `must be between ${MIN_BCRYPT_COST} and 31`);
  }
  return cost;
}

function optionalString(field: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw new SentinelConfigError(field, 'must be a non-empty string');
  }
  return value;
}

function realm(value: unknown): string {
  const result = optionalString('realm', value) ?? SENTINEL_DEFAULTS.realm;
  if (/["\\\r\n]/.test(result))
    throw new SentinelConfigError('realm', 'must not contain quotes, backslashes or newlines');
  return result;
}

function resolveManagement(
  value: SentinelManagementOptions | undefined,
): ResolvedSentinelOptions['management'] {
  if (value === undefined) return { dangerouslyAllowUnauthenticated: false };
  if (typeof value !== 'object' || value === null) {
    throw new SentinelConfigError('management', 'must be an object');
  }
  const username = optionalString('management.username', value.username);
  const password = optionalString('management.password', value.password);
  if ((username === undefined) !== (password === undefined)) {
    throw new SentinelConfigError('management', 'set both username and password, or neither');
  }
  if (username?.includes(':')) {
    throw new SentinelConfigError('management.username', 'must not contain ":" (RFC 7617)');
  }
  const open = value.dangerouslyAllowUnauthenticated;
  if (open !== undefined && typeof open !== 'boolean') {
    throw new SentinelConfigError(
      'management.dangerouslyAllowUnauthenticated',
      'must be a boolean',
    );
  }
  return {
    username,
    password,
    dangerouslyAllowUnauthenticated: open === true,
    consoleFile: optionalString('management.consoleFile', value.consoleFile),
  };
}

function resolveRedis(value: unknown): SentinelRedisConfig | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    if (!/^rediss?:\/\//.test(value)) {
      throw new SentinelConfigError('redis', 'URL must start with redis:// or rediss://');
    }
    return value;
  }
  if (typeof value !== 'object' || value === null) {
    throw new SentinelConfigError('redis', 'must be a URL, ioredis options or an ioredis client');
  }
  return value as SentinelRedisConfig;
}

function resolveMongo(value: unknown): SentinelMongoConfig | undefined {
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
    return { uri: config.uri, dbName: optionalString('mongo.dbName', config.dbName) };
  }
  return { connectionName: optionalString('mongo.connectionName', config.connectionName) };
}

function resolveUserStore(value: unknown): ResolvedSentinelOptions['userStore'] {
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
