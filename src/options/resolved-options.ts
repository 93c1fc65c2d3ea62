import type { Type } from '@nestjs/common';
import type {
  SentinelLockoutPolicy,
  SentinelMongoConfig,
  SentinelRateLimitOptions,
  SentinelRedisConfig,
} from '../sentinel-options.js';
import type { UserStore } from '../storage/user-store.js';
import type {
  ResolvedAuthorizationCodeOptions,
  ResolvedDeviceCodeOptions,
  ResolvedInteractionOptions,
} from './interaction-options.js';
import type { TokenLifetimes } from './lifetime-options.js';
import type { EndpointPathField } from './route-options.js';

/**
 * Options after defaults and validation; what the module's services read.
 * @publicApi
 */
export interface ResolvedSentinelOptions extends Record<EndpointPathField, string | false> {
  routePrefix: string;
  // From Record<EndpointPathField, …>: the full path of each endpoint (`tokenPath` is
  // `/oauth/token`…) or `false` when disabled. Whether management is mounted also depends on
  // its credentials (management-mount.ts).
  /**
   * Full path of the metadata document, `/.well-known/oauth-authorization-server` plus the
   * issuer's path (RFC 8414 §3.1), or `false`.
   */
  metadataPath: string | false;
  /** The configured issuer, exactly as given; `undefined` derives it from each request. */
  issuer?: string;
  /** `scopes_supported` of the metadata, deduplicated; `undefined` when not advertised. */
  scopesSupported?: readonly string[];
  /** Introspection policy, with the default rate limit filled in. */
  introspection: {
    resourceServers: readonly string[];
    rateLimit: Readonly<SentinelRateLimitOptions> | false;
  };
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
  /** Lifetimes per grant type, complete (fallbacks filled in); see `lifetimesOf`. */
  grantLifetimes: Readonly<Record<string, TokenLifetimes>>;
  refreshTokenReuseIntervalSeconds: number;
  bcryptCost: number;
  errorUri?: string;
  /** `error_uri` per error code; see `errorUriOf`. */
  errorUris: Readonly<Record<string, string>>;
  keyPrefix: string;
  /** Prefix of access-token cache keys: `${keyPrefix}token:`. */
  tokenKeyPrefix: string;
  realm: string;
  redisTimeoutMs: number;
  mongoTimeoutMs: number;
  /** Every counter with its defaults filled in, or `false` when switched off. */
  bruteForce: {
    account: Readonly<Required<SentinelLockoutPolicy>> | false;
    ip: Readonly<Required<SentinelLockoutPolicy>> | false;
    client: Readonly<Required<SentinelLockoutPolicy>> | false;
  };
  /** The guard's in-process cache, or `false` when off. */
  localCache: { maxEntries: number; ttlMs: number } | false;
  userStore?: Type<UserStore> | UserStore;
  authorizationCode: ResolvedAuthorizationCodeOptions;
  interaction: ResolvedInteractionOptions;
  deviceCode: ResolvedDeviceCodeOptions;
}
