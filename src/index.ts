/** Public API of nestjs-sentinel. Everything not exported here is internal. */

/** @publicApi */
export { SentinelModule, type SentinelResourceServerOptions } from './sentinel.module.js';
/** @publicApi */
export type { SentinelModuleExtras } from './sentinel.module-definition.js';
/** @publicApi */
export type { SentinelRouteOptions } from './options/route-options.js';
/** @publicApi */
export { SentinelConfigError } from './options/option-checks.js';
/** @publicApi */
export { METADATA_WELL_KNOWN_PATH } from './options/protocol-options.js';
/** @publicApi */
export type { ResolvedSentinelOptions } from './options/resolved-options.js';
/** @publicApi */
export type { TokenLifetimes } from './options/lifetime-options.js';
/** @publicApi */
export {
  type SentinelBruteForceOptions,
  type SentinelIntrospectionOptions,
  type SentinelLockoutPolicy,
  type SentinelManagementOptions,
  type SentinelModuleOptions,
  type SentinelRateLimitOptions,
  type SentinelMongoConfig,
  type SentinelRedisConfig,
  type SentinelTokenLifetimes,
} from './sentinel-options.js';
/** @publicApi */
export { SENTINEL_OPTIONS, SENTINEL_REDIS } from './sentinel.constants.js';

/** @publicApi */
export { OAuthGuard } from './guard/oauth.guard.js';
/** @publicApi */
export { Scopes } from './guard/scopes.decorator.js';
/** @publicApi */
export { OAuthIdentity } from './guard/oauth-identity.decorator.js';
/** @publicApi */
export type { OAuthIdentity as OAuthIdentityInfo } from './guard/oauth-identity.js';
/** @publicApi */
export { AccessTokenVerifier } from './guard/access-token.verifier.js';
/** @publicApi */
export {
  BearerChallengeException,
  BearerTokenException,
  type BearerErrorBody,
} from './guard/bearer-challenge.js';

/** @publicApi */
export { OAuthException, type OAuthErrorBody } from './errors/oauth.exception.js';
/** @publicApi */
export { OAuthErrorCode } from './errors/oauth-error-code.js';
/** @publicApi */
export type {
  Grant,
  GrantContext,
  GrantRegistration,
  TokenForm,
  TokenResponse,
} from './token/grants/grant.js';
/** @publicApi */
export { parseScope, resolveScope, type ScopeLimits } from './token/scope.js';
/** @publicApi */
export {
  TokenIssuerService,
  type IssuedTokens,
  type TokenIssue,
} from './token/token-issuer.service.js';
/** @publicApi */
export { TokenRevocationService } from './token/token-revocation.service.js';
/** @publicApi */
export type {
  ActiveTokenIntrospection,
  IntrospectionResponse,
} from './introspection/introspection-response.js';
/** @publicApi */
export type { AuthorizationServerMetadata } from './metadata/authorization-server-metadata.js';
/** @publicApi */
export { AuthorizationServerMetadataService } from './metadata/metadata.service.js';

/** @publicApi */
export {
  UserRepository,
  UserStore,
  type NewUser,
  type Page,
  type SentinelUser,
  type UserChanges,
  type UserQuery,
} from './storage/user-store.js';
/** @publicApi */
export {
  ClientStore,
  type ClientType,
  type ClientWithSecret,
  type NewClient,
  type SentinelClient,
} from './storage/client-store.js';
/** @publicApi */
export { TokenStore, type TokenRecord } from './storage/token-store.js';
/** @publicApi */
export { TokenCache, type CacheEntry, type CachedToken } from './cache/token-cache.js';
/** @publicApi */
export {
  ConflictError,
  InvalidInputError,
  StorageUnavailableError,
} from './storage/storage.errors.js';
/** @publicApi */
export { Clock } from './clock.js';
/** @publicApi */
export { PasswordHasher } from './crypto/password-hasher.js';
