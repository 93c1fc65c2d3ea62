import type { SentinelModuleOptions } from '../sentinel-options.js';
import { SentinelConfigError, join, optionalPath } from './option-checks.js';

/**
 * The endpoints mounted under `routePrefix`, each with its default path (Flask-Sentinel's
 * `SENTINEL_*_URL`). The one list of them: the resolver, the distinct-path check and the route
 * fields below all derive from it.
 */
export const ENDPOINT_PATHS = {
  tokenPath: '/token',
  managementPath: '/management',
  revocationPath: '/revoke',
  introspectionPath: '/introspect',
  authorizePath: '/authorize',
  interactionPath: '/interaction',
  deviceAuthorizationPath: '/device_authorization',
  devicePath: '/device',
} as const;

/** One of the {@link ENDPOINT_PATHS} fields. */
export type EndpointPathField = keyof typeof ENDPOINT_PATHS;

export const ENDPOINT_PATH_FIELDS = Object.keys(ENDPOINT_PATHS) as readonly EndpointPathField[];

/**
 * Options that decide where controllers are mounted. Nest builds the router before async
 * providers resolve, so they are static: `forRootAsync` takes them in `routes`. `issuer` is one
 * because its path decides where the metadata is mounted (RFC 8414 §3.1).
 */
export const ROUTE_FIELDS = [
  'routePrefix',
  ...ENDPOINT_PATH_FIELDS,
  'metadata',
  'issuer',
] as const satisfies ReadonlyArray<keyof SentinelModuleOptions>;

/**
 * The route options: where the module's endpoints are mounted.
 * @publicApi
 */
export type SentinelRouteOptions = Pick<SentinelModuleOptions, (typeof ROUTE_FIELDS)[number]>;

/** The route fields of `options`. */
export function pickRoutes(options: SentinelModuleOptions): SentinelRouteOptions {
  const routes: Record<string, unknown> = {};
  for (const field of ROUTE_FIELDS) routes[field] = options[field];
  return routes as SentinelRouteOptions;
}

/**
 * Route options the controllers were mounted with win; options from an async factory may repeat
 * them but not contradict them (the router already exists when the factory runs). Host grants
 * cannot come from the factory at all.
 */
export function withMountedRoutes(
  options: SentinelModuleOptions,
  mounted: SentinelRouteOptions,
): SentinelModuleOptions {
  if ((options as { grants?: unknown }).grants !== undefined) {
    throw new SentinelConfigError(
      'grants',
      'cannot come from the forRootAsync factory (grant classes are providers, fixed before it ' +
        'runs); pass them in the `grants` option of forRootAsync instead',
    );
  }
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

/** Each endpoint's full path (`/oauth/token`), or `false` when disabled; all distinct. */
export function resolveEndpointPaths(
  routePrefix: string,
  options: SentinelModuleOptions,
): Record<EndpointPathField, string | false> {
  const paths = {} as Record<EndpointPathField, string | false>;
  const seen = new Map<string, EndpointPathField>();
  for (const field of ENDPOINT_PATH_FIELDS) {
    const path = optionalPath(field, options[field], ENDPOINT_PATHS[field]);
    const full = path === false ? false : join(routePrefix, path);
    paths[field] = full;
    if (full === false) continue;
    // Two endpoints on one path would shadow each other in the router.
    const other = seen.get(full);
    if (other !== undefined) {
      throw new SentinelConfigError(field, `"${full}" is already the path of ${other}`);
    }
    seen.set(full, field);
  }
  return paths;
}
