import type { SentinelModuleOptions } from '../sentinel-options.js';
import type { GrantCatalog } from '../storage/client-store.js';
import { GrantRegistry } from '../token/grants/grant-registry.js';
import {
  resolveLocalCache,
  resolveMongo,
  resolveRedis,
  resolveUserStore,
} from './backend-options.js';
import { resolveErrorUri, resolveErrorUris } from './error-uri-options.js';
import {
  resolveAuthorizationCode,
  resolveDeviceCode,
  resolveInteraction,
} from './interaction-options.js';
import { resolveGrantLifetimes } from './lifetime-options.js';
import { SentinelConfigError, normalizePath, positiveInteger } from './option-checks.js';
import { SENTINEL_DEFAULTS } from './option-defaults.js';
import {
  metadataEnabled,
  metadataPath,
  resolveIntrospection,
  resolveIssuer,
  resolveScopesSupported,
} from './protocol-options.js';
import type { ResolvedSentinelOptions } from './resolved-options.js';
import { resolveEndpointPaths } from './route-options.js';
import {
  bcryptCost,
  realm,
  resolveBruteForce,
  resolveManagement,
  reuseInterval,
} from './security-options.js';

/**
 * Merges defaults and validates every field; the single place options are interpreted.
 * @param grants the grant registry `grantLifetimes` is checked against (default: built-in grants).
 */
export function resolveSentinelOptions(
  options: SentinelModuleOptions = {},
  grants: GrantCatalog = GrantRegistry.of(),
): ResolvedSentinelOptions {
  if (typeof options !== 'object' || options === null) {
    throw new SentinelConfigError('options', 'must be an object');
  }
  const routePrefix = normalizePath(
    'routePrefix',
    options.routePrefix ?? SENTINEL_DEFAULTS.routePrefix,
    true,
  );
  const endpointPaths = resolveEndpointPaths(routePrefix, options);
  const interactive =
    endpointPaths.authorizePath !== false || endpointPaths.deviceAuthorizationPath !== false;
  if (endpointPaths.deviceAuthorizationPath !== false && endpointPaths.devicePath === false) {
    throw new SentinelConfigError(
      'devicePath',
      'is the verification page of the device endpoint (set deviceAuthorizationPath: false too)',
    );
  }
  if (interactive && endpointPaths.interactionPath === false) {
    throw new SentinelConfigError(
      'interactionPath',
      'is needed by the authorization and device endpoints (disable them too: authorizePath: ' +
        'false, deviceAuthorizationPath: false)',
    );
  }
  const issuer = resolveIssuer(options.issuer);
  const management = resolveManagement(options.management);
  const keyPrefix = options.keyPrefix ?? SENTINEL_DEFAULTS.keyPrefix;
  if (typeof keyPrefix !== 'string') throw new SentinelConfigError('keyPrefix', 'must be a string');

  const accessTokenTtl = positiveInteger(
    'accessTokenTtl',
    options.accessTokenTtl,
    SENTINEL_DEFAULTS.accessTokenTtl,
  );
  const refreshTokenTtl = positiveInteger(
    'refreshTokenTtl',
    options.refreshTokenTtl,
    SENTINEL_DEFAULTS.refreshTokenTtl,
  );

  const resolved: ResolvedSentinelOptions = {
    routePrefix,
    ...endpointPaths,
    metadataPath: metadataEnabled(options.metadata) ? metadataPath(issuer) : false,
    issuer,
    scopesSupported: resolveScopesSupported(options.scopesSupported),
    introspection: resolveIntrospection(options.introspection),
    management,
    redis: resolveRedis(options.redis),
    mongo: resolveMongo(options.mongo),
    accessTokenTtl,
    refreshTokenTtl,
    grantLifetimes: resolveGrantLifetimes(options.grantLifetimes, grants.grantTypes, {
      accessTokenTtl,
      refreshTokenTtl,
    }),
    refreshTokenReuseIntervalSeconds: reuseInterval(options.refreshTokenReuseIntervalSeconds),
    bcryptCost: bcryptCost(options.bcryptCost),
    errorUri: resolveErrorUri('errorUri', options.errorUri),
    errorUris: resolveErrorUris(options.errorUris),
    keyPrefix,
    tokenKeyPrefix: `${keyPrefix}token:`,
    realm: realm(options.realm),
    redisTimeoutMs: positiveInteger(
      'redisTimeoutMs',
      options.redisTimeoutMs,
      SENTINEL_DEFAULTS.redisTimeoutMs,
    ),
    mongoTimeoutMs: positiveInteger(
      'mongoTimeoutMs',
      options.mongoTimeoutMs,
      SENTINEL_DEFAULTS.mongoTimeoutMs,
    ),
    bruteForce: resolveBruteForce(options.bruteForce),
    localCache: resolveLocalCache(options.localCache),
    userStore: resolveUserStore(options.userStore),
    authorizationCode: resolveAuthorizationCode(options.authorizationCode),
    interaction: resolveInteraction(options.interaction),
    deviceCode: resolveDeviceCode(options.deviceCode),
  };
  return resolved;
}
