/**
 * DI token of the resolved, validated {@link ResolvedSentinelOptions}.
 * @publicApi
 */
export const SENTINEL_OPTIONS = 'SENTINEL:OPTIONS';
/** DI token of the ioredis client the module uses (created from options or injected). */
export const SENTINEL_REDIS = 'SENTINEL:REDIS';
/** Route metadata key written by `@Scopes()`. */
export const SCOPES_METADATA = 'SENTINEL:SCOPES';
/** Name of the passport strategy the OAuthGuard uses. */
export const BEARER_STRATEGY = 'sentinel-bearer';

/** MongoDB collection names, prefixed so they never clash with the host app's collections. */
export const USERS_COLLECTION = 'sentinel_users';
export const CLIENTS_COLLECTION = 'sentinel_clients';
export const TOKENS_COLLECTION = 'sentinel_tokens';

/** DI tokens of the module's internals. */
export const SENTINEL_ROUTES = 'SENTINEL:ROUTES';
export const SENTINEL_STORAGE = 'SENTINEL:STORAGE';
export const SENTINEL_CACHE = 'SENTINEL:CACHE';
/** Alias of the host app's Mongoose connection, when the module stores in it. */
export const SENTINEL_HOST_CONNECTION = 'SENTINEL:HOST_CONNECTION';
