import type { SentinelRouteOptions } from './sentinel.module-definition.js';
import { SentinelConfigError, type SentinelModuleOptions } from './sentinel-options.js';

const ROUTE_FIELDS = [
  'routePrefix',
  'tokenPath',
  'managementPath',
  'revocationPath',
  'introspectionPath',
  'metadata',
  'issuer',
] as const satisfies ReadonlyArray<keyof SentinelRouteOptions>;

export function pickRoutes(options: SentinelModuleOptions): SentinelRouteOptions {
  return {
    routePrefix: options.routePrefix,
    tokenPath: options.tokenPath,
    managementPath: options.managementPath,
    revocationPath: options.revocationPath,
    introspectionPath: options.introspectionPath,
    metadata: options.metadata,
    issuer: options.issuer,
  };
}

/**
 * Route options the controllers were mounted with win; options from an async factory may repeat
 * them but not contradict them (the router already exists when the factory runs).
 */
export function withMountedRoutes(
  options: SentinelModuleOptions,
  mounted: SentinelRouteOptions,
): SentinelModuleOptions {
  for (const field of ROUTE_FIELDS) {
    const given = options[field];
    if (given !== undefined && given !== mounted[field]) {
      throw new SentinelConfigError(
        field,
        'cannot be set by the forRootAsync factory (routes exist before it runs); ' +
          'pass it in the `routes` option of forRootAsync instead',
      );
    }
  }
  return { ...options, ...mounted };
}
