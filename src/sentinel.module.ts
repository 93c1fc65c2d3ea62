import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { managementMountPath } from './management/management-mount.js';
import { SentinelConfigError } from './options/option-checks.js';
import { resolveSentinelOptions } from './options/resolve-options.js';
import type { ResolvedSentinelOptions } from './options/resolved-options.js';
import {
  pickRoutes,
  withMountedRoutes,
  type SentinelRouteOptions,
} from './options/route-options.js';
import type { SentinelModuleOptions, SentinelRedisConfig } from './sentinel-options.js';
import { sentinelControllers } from './sentinel.controllers.js';
import { SENTINEL_OPTIONS, SENTINEL_ROUTES } from './sentinel.constants.js';
import {
  SENTINEL_ASYNC_OPTIONS_TYPE,
  SENTINEL_MODULE_OPTIONS,
  SENTINEL_OPTIONS_TYPE,
  SentinelConfigurableModule,
} from './sentinel.module-definition.js';
import {
  AUTHORIZATION_SERVER_EXPORTS,
  authorizationServerProviders,
  RESOURCE_SERVER_CACHE,
  RESOURCE_SIDE_EXPORTS,
  RESOURCE_SIDE_PROVIDERS,
} from './sentinel.providers.js';
import { GrantRegistry } from './token/grants/grant-registry.js';

/**
 * The authorization server as a module: token endpoint, OAuthGuard, storage and cache.
 *
 * ```ts
 * @Module({ imports: [SentinelModule.forRoot({ mongo: { uri }, redis: 'redis://localhost' })] })
 * export class AppModule {}
 * ```
 * @publicApi
 */
@Module({})
export class SentinelModule extends SentinelConfigurableModule {
  /**
   * Registers the module with options known up front, resolved once, here. A bad option fails
   * the app's start-up (`NestFactory.create`) with one line naming the field, as it does with
   * `forRootAsync`.
   */
  static override forRoot(options: typeof SENTINEL_OPTIONS_TYPE = {}): DynamicModule {
    const definition = super.forRoot(options);
    try {
      const grants = GrantRegistry.of(options.grants);
      const mongo: unknown = options.mongo;
      const hostConnection =
        options.connectionName ??
        (typeof mongo === 'object' && mongo !== null && !('uri' in mongo)
          ? ((mongo as { connectionName?: string }).connectionName ?? 'default')
          : undefined);
      const resolved = resolveSentinelOptions(
        withHostConnection(stripExtras(options), hostConnection),
        grants,
      );
      return withAuthorizationServer(definition, {
        routes: pickRoutes(options),
        routesResolved: resolved,
        options: { provide: SENTINEL_OPTIONS, useValue: resolved },
        grants,
        managementCredentialsKnown: true,
        hostConnection,
      });
    } catch (error) {
      if (error instanceof SentinelConfigError) return failingAtStartUp(definition, error);
      throw error;
    }
  }

  /**
   * Registers the module with options from a factory (e.g. ConfigService). What decides the
   * controllers and providers is static: give the routes in `routes` and host grants in
   * `grants`.
   */
  static override forRootAsync(options: typeof SENTINEL_ASYNC_OPTIONS_TYPE): DynamicModule {
    const definition = super.forRootAsync(options);
    try {
      const routes = options.routes ?? {};
      const grants = GrantRegistry.of(options.grants);
      const hostConnection = options.connectionName;
      return withAuthorizationServer(definition, {
        routes,
        // Validates the route fields now, so a bad path fails like any other option.
        routesResolved: resolveSentinelOptions(routes, grants),
        options: {
          provide: SENTINEL_OPTIONS,
          useFactory: (raw: SentinelModuleOptions, mounted: SentinelRouteOptions) =>
            resolveSentinelOptions(
              withHostConnection(withMountedRoutes(raw, mounted), hostConnection),
              grants,
            ),
          inject: [SENTINEL_MODULE_OPTIONS, SENTINEL_ROUTES],
        },
        grants,
        // Management credentials come from the factory: mount on the path, the guard decides.
        managementCredentialsKnown: false,
        hostConnection,
      });
    } catch (error) {
      if (error instanceof SentinelConfigError) return failingAtStartUp(definition, error);
      throw error;
    }
  }

  /**
   * Guard-only form for a resource API that shares Redis with the authorization server and has
   * no MongoDB and no token endpoint (Flask-Sentinel's "three services" deployment).
   * `@UseGuards(OAuthGuard)` accepts exactly the tokens live in Redis; revocations apply at once.
   */
  static forResourceServer(options: SentinelResourceServerOptions): DynamicModule {
    const definition: DynamicModule = { module: SentinelModule, global: options?.isGlobal ?? true };
    try {
      if (options?.redis === undefined) {
        throw new SentinelConfigError('redis', 'is required in resource-server mode');
      }
      const { isGlobal: _isGlobal, ...rest } = options;
      const resolved = resolveSentinelOptions({
        ...rest,
        tokenPath: false,
        managementPath: false,
      });
      return {
        ...definition,
        providers: [
          { provide: SENTINEL_OPTIONS, useValue: resolved },
          RESOURCE_SERVER_CACHE,
          ...RESOURCE_SIDE_PROVIDERS,
        ],
        exports: RESOURCE_SIDE_EXPORTS,
      };
    } catch (error) {
      if (error instanceof SentinelConfigError) return failingAtStartUp(definition, error);
      throw error;
    }
  }
}

/**
 * Options of {@link SentinelModule.forResourceServer}.
 * @publicApi
 */
export interface SentinelResourceServerOptions extends Pick<
  SentinelModuleOptions,
  'keyPrefix' | 'realm' | 'errorUri' | 'errorUris' | 'redisTimeoutMs' | 'localCache'
> {
  /** The Redis the authorization server writes its token cache to. Required. */
  redis: SentinelRedisConfig;
  /** Register globally so `OAuthGuard` works in every module. Default `true`. */
  isGlobal?: boolean;
}

/** What the module definition fixes before any provider runs. */
interface AuthorizationServerDefinition {
  /** The route options as given (checked again against the async factory's options). */
  routes: SentinelRouteOptions;
  /** The same, resolved: fixes which controllers exist and where. */
  routesResolved: ResolvedSentinelOptions;
  /** The `SENTINEL_OPTIONS` provider: a value (forRoot) or the async factory. */
  options: Provider;
  grants: GrantRegistry;
  /** Whether management credentials are known now (forRoot) or come from a factory. */
  managementCredentialsKnown: boolean;
  /** The host app's Mongoose connection name, when the stores use it. */
  hostConnection?: string;
}

function withAuthorizationServer(
  definition: DynamicModule,
  setup: AuthorizationServerDefinition,
): DynamicModule {
  const managementPath = managementMountPath(
    setup.routesResolved,
    setup.managementCredentialsKnown,
  );
  return {
    ...definition,
    controllers: [
      ...(definition.controllers ?? []),
      ...sentinelControllers(setup.routesResolved, managementPath),
    ],
    providers: [
      ...(definition.providers ?? []),
      { provide: SENTINEL_ROUTES, useValue: setup.routes },
      setup.options,
      ...RESOURCE_SIDE_PROVIDERS,
      ...authorizationServerProviders({
        grants: setup.grants,
        hostConnection: setup.hostConnection,
        management: managementPath !== false,
        authorization: setup.routesResolved.authorizePath !== false,
        device: setup.routesResolved.deviceAuthorizationPath !== false,
      }),
    ],
    exports: [
      ...(definition.exports ?? []),
      ...RESOURCE_SIDE_EXPORTS,
      ...AUTHORIZATION_SERVER_EXPORTS,
    ],
  };
}

/**
 * The module as it is when an option is bad: it fails the app's start-up with the error alone.
 * Thrown at module definition instead, the error would surface as an uncaught exception while
 * the host's `AppModule` file is imported, with a stack trace through our resolver; this way Nest
 * reports it at bootstrap like any provider that cannot start, as one line.
 */
function failingAtStartUp(definition: DynamicModule, error: SentinelConfigError): DynamicModule {
  return {
    ...definition,
    providers: [
      ...(definition.providers ?? []),
      {
        provide: SENTINEL_OPTIONS,
        useFactory: () => {
          throw error;
        },
      },
    ],
    exports: [SENTINEL_OPTIONS],
  };
}

function stripExtras(options: typeof SENTINEL_OPTIONS_TYPE): SentinelModuleOptions {
  const {
    isGlobal: _isGlobal,
    routes: _routes,
    connectionName: _connection,
    grants: _grants,
    ...rest
  } = options;
  return rest;
}

/** The `connectionName` extra and the `mongo` option must not point at two databases. */
function withHostConnection(
  options: SentinelModuleOptions,
  hostConnection: string | undefined,
): SentinelModuleOptions {
  if (hostConnection === undefined) return options;
  if (options.mongo && 'uri' in options.mongo) {
    throw new SentinelConfigError(
      'connectionName',
      'give either connectionName or mongo.uri, not both',
    );
  }
  return {
    ...options,
    mongo: { connectionName: hostConnection === 'default' ? undefined : hostConnection },
  };
}
