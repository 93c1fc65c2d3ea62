import {
  Module,
  type DynamicModule,
  type InjectionToken,
  type Provider,
  type Type,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { createCache, type SentinelCache } from './cache/cache.factory.js';
import { CACHE_PROVIDERS } from './cache/cache.providers.js';
import { TokenCache } from './cache/token-cache.js';
import { Clock, systemClock } from './clock.js';
import { PasswordHasher } from './crypto/password-hasher.js';
import { GUARD_PROVIDERS } from './guard/guard.providers.js';
import { createManagementControllers } from './management/management.controllers.js';
import { managementMountPath } from './management/management-mount.js';
import { MANAGEMENT_PROVIDERS } from './management/management.providers.js';
import { SentinelLifecycle } from './sentinel-lifecycle.service.js';
import {
  resolveSentinelOptions,
  SentinelConfigError,
  type ResolvedSentinelOptions,
  type SentinelModuleOptions,
  type SentinelRedisConfig,
} from './sentinel-options.js';
import { pickRoutes, withMountedRoutes } from './sentinel-routes.js';
import {
  SENTINEL_CACHE,
  SENTINEL_OPTIONS,
  SENTINEL_REDIS,
  SENTINEL_ROUTES,
  SENTINEL_STORAGE,
  SENTINEL_HOST_CONNECTION,
} from './sentinel.constants.js';
import {
  SENTINEL_ASYNC_OPTIONS_TYPE,
  SENTINEL_MODULE_OPTIONS,
  SENTINEL_OPTIONS_TYPE,
  SentinelConfigurableModule,
  type SentinelRouteOptions,
} from './sentinel.module-definition.js';
import { ClientStore } from './storage/client-store.js';
import { hostConnectionToken } from './storage/host-connection-token.js';
import { createStorage, type SentinelStorage } from './storage/storage.factory.js';
import { TokenStore } from './storage/token-store.js';
import { UserRepository, UserStore } from './storage/user-store.js';
import { createProtocolControllers } from './token/protocol-controllers.js';
import { createTokenController } from './token/token.controller.js';
import { TOKEN_PROVIDERS } from './token/token.providers.js';

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
  /** Registers the module with options known up front. Bad options throw here, naming the field. */
  static override forRoot(options: typeof SENTINEL_OPTIONS_TYPE = {}): DynamicModule {
    const resolved = resolveSentinelOptions(stripExtras(options));
    const hostConnection =
      options.connectionName ??
      (resolved.mongo && !('uri' in resolved.mongo)
        ? (resolved.mongo.connectionName ?? 'default')
        : undefined);
    return withRuntime(super.forRoot(options), pickRoutes(options), resolved, true, hostConnection);
  }

  /**
   * Registers the module with options from a factory (e.g. ConfigService). Routes are static:
   * give them in `routes`.
   */
  static override forRootAsync(options: typeof SENTINEL_ASYNC_OPTIONS_TYPE): DynamicModule {
    const routes = options.routes ?? {};
    // Validates the route fields now, so a bad path fails at import time like forRoot.
    const resolvedRoutes = resolveSentinelOptions(routes);
    // Management credentials come from the factory: mount on the path, the guard decides later.
    return withRuntime(
      super.forRootAsync(options),
      routes,
      resolvedRoutes,
      false,
      options.connectionName,
    );
  }

  /**
   * Guard-only form for a resource API that shares Redis with the authorization server and has
   * no MongoDB and no token endpoint (Flask-Sentinel's "three services" deployment).
   * `@UseGuards(OAuthGuard)` accepts exactly the tokens live in Redis; revocations apply at once.
   */
  static forResourceServer(options: SentinelResourceServerOptions): DynamicModule {
    if (options?.redis === undefined) {
      throw new SentinelConfigError('redis', 'is required in resource-server mode');
    }
    const { isGlobal = true, ...rest } = options;
    const resolved = resolveSentinelOptions({ ...rest, tokenPath: false, managementPath: false });
    const providers: Provider[] = [
      { provide: SENTINEL_OPTIONS, useValue: resolved },
      { provide: Clock, useValue: systemClock },
      { provide: SENTINEL_CACHE, useFactory: createCache, inject: [SENTINEL_OPTIONS] },
      {
        provide: TokenCache,
        useFactory: (cache: SentinelCache) => cache.cache,
        inject: [SENTINEL_CACHE],
      },
      {
        provide: SENTINEL_REDIS,
        useFactory: (cache: SentinelCache) => cache.redis?.client ?? null,
        inject: [SENTINEL_CACHE],
      },
      SentinelLifecycle,
      ...CACHE_PROVIDERS,
      ...GUARD_PROVIDERS,
    ];
    return {
      module: SentinelModule,
      global: isGlobal,
      providers,
      exports: [
        SENTINEL_OPTIONS,
        Clock,
        TokenCache,
        SENTINEL_REDIS,
        ...tokensOf(CACHE_PROVIDERS),
        ...tokensOf(GUARD_PROVIDERS),
      ],
    };
  }
}

/** Options of {@link SentinelModule.forResourceServer}. @publicApi */
export interface SentinelResourceServerOptions extends Pick<
  SentinelModuleOptions,
  'keyPrefix' | 'realm' | 'errorUri' | 'redisTimeoutMs' | 'localCache'
> {
  /** The Redis the authorization server writes its token cache to. Required. */
  redis: SentinelRedisConfig;
  /** Register globally so `OAuthGuard` works in every module. Default `true`. */
  isGlobal?: boolean;
}

function stripExtras(options: typeof SENTINEL_OPTIONS_TYPE): SentinelModuleOptions {
  const { isGlobal: _isGlobal, routes: _routes, connectionName: _connection, ...rest } = options;
  return rest;
}

/** Providers every configuration shares. `routesResolved` fixes which controllers exist. */
function withRuntime(
  definition: DynamicModule,
  routes: SentinelRouteOptions,
  routesResolved: ResolvedSentinelOptions,
  managementCredentialsKnown = true,
  hostConnection?: string,
): DynamicModule {
  const controllers: Type[] = [];
  if (routesResolved.tokenPath !== false)
    controllers.push(createTokenController(routesResolved.tokenPath));
  controllers.push(...createProtocolControllers(routesResolved));
  const managementPath = managementMountPath(routesResolved, managementCredentialsKnown);
  if (managementPath !== false) controllers.push(...createManagementControllers(managementPath));

  const providers: Provider[] = [
    { provide: SENTINEL_ROUTES, useValue: routes },
    {
      provide: SENTINEL_OPTIONS,
      useFactory: (raw: SentinelModuleOptions, mounted: SentinelRouteOptions) =>
        resolveSentinelOptions(withHostConnection(withMountedRoutes(raw, mounted), hostConnection)),
      inject: [SENTINEL_MODULE_OPTIONS, SENTINEL_ROUTES],
    },
    ...(hostConnection === undefined
      ? []
      : [
          {
            provide: SENTINEL_HOST_CONNECTION,
            useExisting: hostConnectionToken(
              hostConnection === 'default' ? undefined : hostConnection,
            ),
          },
        ]),
    { provide: Clock, useValue: systemClock },
    {
      provide: PasswordHasher,
      useFactory: (options: ResolvedSentinelOptions) => new PasswordHasher(options.bcryptCost),
      inject: [SENTINEL_OPTIONS],
    },
    {
      provide: SENTINEL_STORAGE,
      useFactory: createStorage,
      inject: [
        SENTINEL_OPTIONS,
        PasswordHasher,
        { token: SENTINEL_HOST_CONNECTION, optional: true },
      ],
    },
    {
      provide: SENTINEL_CACHE,
      // With the token store, so Redis data that missed revocations is checked (ADR 0013).
      useFactory: (options: ResolvedSentinelOptions, storage: SentinelStorage) =>
        createCache(options, storage.tokens),
      inject: [SENTINEL_OPTIONS, SENTINEL_STORAGE],
    },
    storagePort(UserRepository, (storage) => storage.users),
    storagePort(ClientStore, (storage) => storage.clients),
    storagePort(TokenStore, (storage) => storage.tokens),
    {
      provide: UserStore,
      useFactory: async (
        storage: SentinelStorage,
        options: ResolvedSentinelOptions,
        moduleRef: ModuleRef,
      ): Promise<UserStore> => {
        const custom = options.userStore;
        if (custom === undefined) return storage.users;
        return typeof custom === 'function' ? moduleRef.create(custom) : custom;
      },
      inject: [SENTINEL_STORAGE, SENTINEL_OPTIONS, ModuleRef],
    },
    {
      provide: TokenCache,
      useFactory: (cache: SentinelCache) => cache.cache,
      inject: [SENTINEL_CACHE],
    },
    {
      provide: SENTINEL_REDIS,
      useFactory: (cache: SentinelCache) => cache.redis?.client ?? null,
      inject: [SENTINEL_CACHE],
    },
    SentinelLifecycle,
    ...CACHE_PROVIDERS,
    ...TOKEN_PROVIDERS,
    ...GUARD_PROVIDERS,
    ...(managementPath !== false ? MANAGEMENT_PROVIDERS : []),
  ];

  return {
    ...definition,
    controllers: [...(definition.controllers ?? []), ...controllers],
    providers: [...(definition.providers ?? []), ...providers],
    exports: [
      ...(definition.exports ?? []),
      SENTINEL_OPTIONS,
      Clock,
      UserStore,
      UserRepository,
      ClientStore,
      TokenStore,
      TokenCache,
      SENTINEL_REDIS,
      ...tokensOf(CACHE_PROVIDERS),
      ...tokensOf(TOKEN_PROVIDERS),
      ...tokensOf(GUARD_PROVIDERS),
    ],
  };
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

/** What to export for a list of providers: classes as they are, the token of the others. */
function tokensOf(providers: Provider[]): InjectionToken[] {
  return providers.map((provider) => ('provide' in provider ? provider.provide : provider));
}

function storagePort<T>(token: symbol, pick: (storage: SentinelStorage) => T): Provider {
  return { provide: token, useFactory: pick, inject: [SENTINEL_STORAGE] };
}
