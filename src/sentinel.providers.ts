import type { InjectionToken, Provider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { createCache, type SentinelCache } from './cache/cache.factory.js';
import { CACHE_PROVIDERS } from './cache/cache.providers.js';
import { TokenCache } from './cache/token-cache.js';
import { Clock, systemClock } from './clock.js';
import { PasswordHasher } from './crypto/password-hasher.js';
import { DeviceAuthorizationService } from './device/device-authorization.service.js';
import { DEVICE_VERIFICATION_PROVIDERS } from './device/device-verification.providers.js';
import { DEVICE_PROVIDERS } from './device/device.providers.js';
import { GUARD_PROVIDERS } from './guard/guard.providers.js';
import { INTERACTION_PROVIDERS } from './interaction/interaction.providers.js';
import { ManagementDeviceService } from './management/management-device.service.js';
import { MANAGEMENT_PROVIDERS } from './management/management.providers.js';
import type { ResolvedSentinelOptions } from './options/resolved-options.js';
import { SentinelLifecycle } from './sentinel-lifecycle.service.js';
import {
  SENTINEL_CACHE,
  SENTINEL_HOST_CONNECTION,
  SENTINEL_OPTIONS,
  SENTINEL_REDIS,
  SENTINEL_STORAGE,
} from './sentinel.constants.js';
import { AuthorizationCodeStore } from './storage/authorization-code-store.js';
import { ClientStore } from './storage/client-store.js';
import { ConsentStore } from './storage/consent-store.js';
import { hostConnectionToken } from './storage/host-connection-token.js';
import { createStorage, type SentinelStorage } from './storage/storage.factory.js';
import { TokenStore } from './storage/token-store.js';
import { UserRepository, UserStore } from './storage/user-store.js';
import { grantProviders } from './token/grants/grant-providers.js';
import { GrantRegistry } from './token/grants/grant-registry.js';
import { TOKEN_PROVIDERS } from './token/token.providers.js';

/**
 * What every form of the module has, resource-server mode included: the clock, the token
 * cache's port and its Redis client (the cache itself: {@link RESOURCE_SERVER_CACHE} or the
 * authorization server's), the guard's in-process cache, the guard, and the lifecycle that warns
 * about development stores and closes connections. They need `SENTINEL_OPTIONS`.
 */
export const RESOURCE_SIDE_PROVIDERS: Provider[] = [
  { provide: Clock, useValue: systemClock },
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

/**
 * The token cache of resource-server mode: with no token store, Redis data that may have missed
 * revocations is not served until an authorization server has checked it (ADR 0017).
 */
export const RESOURCE_SERVER_CACHE: Provider = {
  provide: SENTINEL_CACHE,
  useFactory: (options: ResolvedSentinelOptions) => createCache(options),
  inject: [SENTINEL_OPTIONS],
};

/**
 * The token cache of the authorization server: with the token store, so Redis data that missed
 * revocations (a restart with old data, a failover to a stale replica) is checked against it
 * before it is served (ADR 0017).
 */
const AUTHORIZATION_SERVER_CACHE: Provider = {
  provide: SENTINEL_CACHE,
  useFactory: (options: ResolvedSentinelOptions, storage: SentinelStorage) =>
    createCache(options, storage.tokens),
  inject: [SENTINEL_OPTIONS, SENTINEL_STORAGE],
};

/** What the host app may inject from every form of the module. */
export const RESOURCE_SIDE_EXPORTS: InjectionToken[] = [
  SENTINEL_OPTIONS,
  Clock,
  TokenCache,
  SENTINEL_REDIS,
  ...tokensOf(CACHE_PROVIDERS),
  ...tokensOf(GUARD_PROVIDERS),
];

/** How the authorization server's providers are put together. */
export interface AuthorizationServerSetup {
  /** Built-in and host grants: their classes become providers. */
  grants: GrantRegistry;
  /** The host app's Mongoose connection name, when the stores use it. */
  hostConnection?: string;
  /** Whether management is mounted (its providers are registered only then). */
  management: boolean;
  /** Whether the authorization endpoint and its pages are mounted. */
  authorization: boolean;
  /** Whether the device flow (RFC 8628) and its verification page are mounted. */
  device: boolean;
}

/**
 * The authorization server beside {@link RESOURCE_SIDE_PROVIDERS}: password hashing, the stores
 * (MongoDB or memory) and their ports, a host's own `UserStore`, the grants, the token and
 * protocol endpoints' services and, when mounted, management.
 */
export function authorizationServerProviders(setup: AuthorizationServerSetup): Provider[] {
  const { grants, hostConnection, management, authorization, device } = setup;
  return [
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
        GrantRegistry,
        { token: SENTINEL_HOST_CONNECTION, optional: true },
      ],
    },
    AUTHORIZATION_SERVER_CACHE,
    storagePort(UserRepository, (storage) => storage.users),
    storagePort(ClientStore, (storage) => storage.clients),
    storagePort(TokenStore, (storage) => storage.tokens),
    storagePort(AuthorizationCodeStore, (storage) => storage.codes),
    storagePort(ConsentStore, (storage) => storage.consents),
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
    ...grantProviders(grants),
    ...TOKEN_PROVIDERS,
    ...(management ? MANAGEMENT_PROVIDERS : []),
    // The device verification page signs people in like the authorization pages (ADR 0023).
    ...(authorization || device ? INTERACTION_PROVIDERS : []),
    ...(device
      ? [...DEVICE_PROVIDERS, DeviceAuthorizationService, ...DEVICE_VERIFICATION_PROVIDERS]
      : []),
    ...(device && management ? [ManagementDeviceService] : []),
  ];
}

/** What the host app may inject from the authorization server, beside {@link RESOURCE_SIDE_EXPORTS}. */
export const AUTHORIZATION_SERVER_EXPORTS: InjectionToken[] = [
  UserStore,
  UserRepository,
  ClientStore,
  TokenStore,
  ConsentStore,
  ...tokensOf(TOKEN_PROVIDERS),
];

/** What to export for a list of providers: classes as they are, the token of the others. */
function tokensOf(providers: Provider[]): InjectionToken[] {
  return providers.map((provider) => ('provide' in provider ? provider.provide : provider));
}

function storagePort<T>(token: symbol, pick: (storage: SentinelStorage) => T): Provider {
  return { provide: token, useFactory: pick, inject: [SENTINEL_STORAGE] };
}
