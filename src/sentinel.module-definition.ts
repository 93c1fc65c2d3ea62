import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { SentinelRouteOptions } from './options/route-options.js';
import type { SentinelModuleOptions } from './sentinel-options.js';
import type { GrantRegistration } from './token/grants/grant.js';

/**
 * Options that shape the module itself rather than its behaviour.
 * @publicApi
 */
export interface SentinelModuleExtras {
  /** Register the module globally so `OAuthGuard` works in every module. Default `true`. */
  isGlobal?: boolean;
  /**
   * `forRootAsync` only: where to mount the routes. Routes cannot come from the async factory,
   * because Nest registers controllers before it runs; a factory that returns different
   * route options fails at bootstrap.
   */
  routes?: SentinelRouteOptions;
  /**
   * Store in the host app's Mongoose connection: the `connectionName` it gave
   * `MongooseModule.forRoot(uri, { connectionName })`, or `'default'` for its default connection.
   * Needed with `forRootAsync` (the connection must be known before the factory runs); with
   * `forRoot`, `mongo: { connectionName }` does the same.
   */
  connectionName?: string;
  /**
   * The host's own grant types (Authlib's `register_grant`), beside the built-in `password`,
   * `refresh_token` and `client_credentials`: each a grant type and a class implementing
   * `Grant`, which Nest instantiates with its dependencies. Static like the routes (the classes
   * become providers), so with `forRootAsync` give them here, not from the factory. Clients
   * list them in `grant_types` like the built-in ones; the metadata advertises them. See the
   * README, "Writing your own grant".
   */
  grants?: GrantRegistration[];
}

export const {
  ConfigurableModuleClass: SentinelConfigurableModule,
  MODULE_OPTIONS_TOKEN: SENTINEL_MODULE_OPTIONS,
  OPTIONS_TYPE: SENTINEL_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: SENTINEL_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<SentinelModuleOptions>({ moduleName: 'Sentinel' })
  .setClassMethodName('forRoot')
  .setExtras<SentinelModuleExtras>({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
