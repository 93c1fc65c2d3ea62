/**
 * Public API of nestjs-sentinel. Everything not exported here is internal; each declaration
 * exported here carries `@publicApi` in its own TSDoc.
 */

export { SentinelModule, type SentinelResourceServerOptions } from './sentinel.module.js';
export type { SentinelModuleExtras } from './sentinel.module-definition.js';
export type { SentinelRouteOptions } from './options/route-options.js';
export { SentinelConfigError } from './options/option-checks.js';
export { METADATA_WELL_KNOWN_PATH } from './options/protocol-options.js';
export type { ResolvedSentinelOptions } from './options/resolved-options.js';
export type { TokenLifetimes } from './options/lifetime-options.js';
export {
  type SentinelAuthorizationCodeOptions,
  type SentinelInteractionOptions,
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
export { SENTINEL_OPTIONS } from './sentinel.constants.js';

export { HostLogin, type HostLoginState } from './interaction/host-login.js';
export { escapeHtml } from './interaction/pages/escape-html.js';
export { BUILT_IN_PAGES } from './interaction/pages/built-in-pages.js';
export type {
  ConsentPageView,
  ConsentScopeView,
  DeviceCodePageView,
  DeviceConfirmPageView,
  DeviceDonePageView,
  ErrorPageView,
  PageForm,
  SentinelPageTemplates,
  SignInPageView,
  SignedOutPageView,
} from './interaction/pages/page-views.js';

export { OAuthGuard } from './guard/oauth.guard.js';
export { Scopes } from './guard/scopes.decorator.js';
export { OAuthIdentity } from './guard/oauth-identity.decorator.js';
export type { OAuthIdentity as OAuthIdentityInfo } from './guard/oauth-identity.js';
export { AccessTokenVerifier } from './guard/access-token.verifier.js';
export {
  BearerChallengeException,
  BearerTokenException,
  type BearerErrorBody,
} from './guard/bearer-challenge.js';

export { OAuthException, type OAuthErrorBody } from './errors/oauth.exception.js';
export { OAuthErrorCode } from './errors/oauth-error-code.js';
export type {
  Grant,
  GrantContext,
  GrantRegistration,
  TokenForm,
  TokenResponse,
} from './token/grants/grant.js';
export { parseScope, resolveScope, type ScopeLimits } from './token/scope.js';
export {
  TokenIssuerService,
  type IssuedTokens,
  type TokenIssue,
} from './token/token-issuer.service.js';
export { TokenRevocationService } from './revocation/token-revocation.service.js';
export type {
  ActiveTokenIntrospection,
  IntrospectionResponse,
} from './introspection/introspection-response.js';
export type { AuthorizationServerMetadata } from './metadata/authorization-server-metadata.js';
export { AuthorizationServerMetadataService } from './metadata/metadata.service.js';
export { DEVICE_CODE_GRANT_TYPE } from './device/device-grant-type.js';
export type { DeviceAuthorizationResponse } from './device/device-authorization.service.js';

export {
  UserRepository,
  UserStore,
  type NewUser,
  type Page,
  type SentinelUser,
  type UserChanges,
  type UserQuery,
} from './storage/user-store.js';
export {
  ClientStore,
  type ClientType,
  type ClientChanges,
  type ClientQuery,
  type ClientWithSecret,
  type NewClient,
  type SentinelClient,
} from './storage/client-store.js';
export {
  TokenStore,
  type NewTokenRecord,
  type Revocation,
  type RevokedAccessToken,
  type TokenQuery,
  type TokenRecord,
} from './storage/token-store.js';
export { ConsentStore, type ConsentQuery, type SentinelConsent } from './storage/consent-store.js';
export { TokenCache, type CacheEntry, type CachedToken } from './cache/token-cache.js';
export {
  ConflictError,
  InvalidInputError,
  StorageUnavailableError,
} from './storage/storage.errors.js';
export { Clock } from './clock.js';
export { PasswordHasher } from './crypto/password-hasher.js';
