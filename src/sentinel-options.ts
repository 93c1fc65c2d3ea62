/**
 * The module's options as a host app writes them: types only. They are interpreted in one place,
 * `resolveSentinelOptions` (options/resolve-options.ts); services read the result,
 * `ResolvedSentinelOptions` (options/resolved-options.ts).
 */
import type { Type } from '@nestjs/common';
import type { RedisConfig } from './cache/redis-connection.js';
import type { OAuthErrorCode } from './errors/oauth-error-code.js';
import type { HostLogin } from './interaction/host-login.js';
import type { SentinelPageTemplates } from './interaction/pages/page-views.js';
import type { UserStore } from './storage/user-store.js';

/**
 * Redis to use: a URL, ioredis options (with `sentinels` + `name` for Redis Sentinel), a Redis
 * Cluster's nodes (`{ clusterNodes, clusterOptions? }`), or an existing `Redis` / `Cluster`
 * client (which the module never closes). See {@link RedisConfig} and the README.
 * @publicApi
 */
export type SentinelRedisConfig = RedisConfig;

/**
 * MongoDB to use: either a URI (and database name) the module connects to itself, or the name of
 * a connection the host app opened with `MongooseModule.forRoot(uri, { connectionName })`
 * (omit `connectionName` for the app's default connection, which keeps the host's settings).
 *
 * On its own connection the module reads from the primary only (a token just issued must
 * validate at once), retries writes and reads once across an election, and writes with the
 * write concern below; see docs/adr/0014-mongodb-replica-sets.md.
 * @publicApi
 */
export type SentinelMongoConfig =
  | {
      uri: string;
      dbName?: string;
      /**
       * Acknowledgement every write waits for: `'majority'` (default: an acknowledged
       * revocation or token survives a failover) or a number of members (1 = primary only).
       */
      writeConcern?: 'majority' | number;
    }
  | { connectionName?: string };

/**
 * Protection of the management API and console (docs/security.md 15).
 * @publicApi
 */
export interface SentinelManagementOptions {
  /** Basic-auth username. Management is not mounted unless username and password are set. */
  username?: string;
  /** Basic-auth password. */
  password?: string;
  /**
   * Mounts management WITHOUT authentication. Only for throw-away local setups; the module logs a
   * loud warning. Must be exactly `true`.
   */
  dangerouslyAllowUnauthenticated?: boolean;
  /** Path of an HTML file served instead of the built-in console (Flask-Sentinel's template). */
  consoleFile?: string;
}

/**
 * A fixed-window request limit: at most `limit` requests per `windowSeconds`.
 * @publicApi
 */
export interface SentinelRateLimitOptions {
  /** Requests allowed per window. */
  limit: number;
  /** Length of the window in seconds. */
  windowSeconds: number;
}

/**
 * Who may introspect which tokens, and how often (RFC 7662 §2.1, §4).
 * @publicApi
 */
export interface SentinelIntrospectionOptions {
  /**
   * Client ids of confidential clients that act as resource servers: they may introspect any
   * client's access tokens. Every other confidential client may introspect only the tokens
   * issued to itself; another client's token is reported `{"active": false}`. Default `[]`.
   */
  resourceServers?: string[];
  /**
   * Introspection requests allowed per authenticated client, against token scanning
   * (RFC 7662 §4). Counted in Redis when `redis` is configured (shared by every instance), else
   * in process memory; over the limit is 429 with `Retry-After`. `false` disables the limit.
   * Default 1000 requests per 60 seconds.
   */
  rateLimit?: SentinelRateLimitOptions | false;
}

/**
 * One brute-force counter (docs/security.md 13, ADR 0007). Every attempt is counted before the
 * credentials are checked; once `freeAttempts` have been used, each further attempt locks the
 * subject for `lockSeconds`, doubling per attempt up to `maxLockSeconds`. While locked, every
 * attempt — the right credentials too — is refused with 429 and `Retry-After`, without checking.
 * @publicApi
 */
export interface SentinelLockoutPolicy {
  /** Attempts allowed before the first lockout. A positive integer. */
  freeAttempts?: number;
  /** Length of the first lockout in seconds; each further attempt doubles it. A positive integer. */
  lockSeconds?: number;
  /** Longest lockout in seconds, at least `lockSeconds`. */
  maxLockSeconds?: number;
  /** A subject with no attempt for this many seconds (and no lockout) starts afresh. */
  resetAfterSeconds?: number;
}

/**
 * Brute-force protection of the token endpoint (RFC 6749 §4.3.2, docs/security.md 13, ADR 0007).
 * Counted in Redis when `redis` is configured (shared by every instance, one atomic script per
 * attempt), else in process memory; when Redis fails the counters fall back to process memory —
 * never to "no limit". Each field takes a {@link SentinelLockoutPolicy} (missing sub-fields take
 * the default) or `false` to switch that counter off.
 * @publicApi
 */
export interface SentinelBruteForceOptions {
  /**
   * Password-grant attempts per (username, client address) pair, whether the user exists or
   * not, so a lockout tells nothing about existence; a stranger's failures lock the account
   * only for the stranger's address (ADR 0007). A successful sign-in resets it. Default
   * 5 free attempts, then 1 s doubling up to 15 min; forgotten after 1 h without attempts.
   */
  account?: SentinelLockoutPolicy | false;
  /**
   * Password-grant attempts per client address (IPv6 per /64; proxies are trusted only as the
   * host app's `trust proxy` setting says). A success does not reset it, so one good account
   * does not unlock password spraying. Default 50 free attempts, then 1 s doubling up to 15 min;
   * forgotten after 1 h.
   */
  ip?: SentinelLockoutPolicy | false;
  /**
   * Failed client authentications (`invalid_client`) per client address, at every endpoint
   * that authenticates clients; once locked, further failures from the address get 429. Counted
   * only after the credentials were checked, so correct credentials are never refused (ADR 0011).
   * Default 10 free failures, then 1 s doubling up to 60 s; forgotten after 1 h.
   */
  client?: SentinelLockoutPolicy | false;
}

/**
 * Lifetimes of the tokens one grant type issues; a missing field takes the global one.
 * @publicApi
 */
export interface SentinelTokenLifetimes {
  /** Access-token lifetime in seconds. */
  accessTokenTtl?: number;
  /** Refresh-token lifetime in seconds (grants that issue refresh tokens). */
  refreshTokenTtl?: number;
}

/**
 * The authorization code grant (RFC 6749 §4.1) with PKCE (RFC 7636).
 * @publicApi
 */
export interface SentinelAuthorizationCodeOptions {
  /** Lifetime of an authorization code in seconds, at most 600 (RFC 6749 §4.1.2). Default 60. */
  codeTtl?: number;
  /**
   * Whether confidential clients must use PKCE too (RFC 9700 §2.1.1). `false` lets a
   * confidential client omit `code_challenge`; public clients always need it, and a
   * `code_verifier` for a code issued without a challenge is always refused. Default `true`.
   */
  requirePkceForConfidentialClients?: boolean;
}

/**
 * The device authorization grant (RFC 8628).
 * @publicApi
 */
export interface SentinelDeviceCodeOptions {
  /** Seconds a device code and its user code live (`expires_in`, §3.2). Default 600. */
  codeTtl?: number;
  /** Seconds a device waits between polls (`interval`, §3.2), at least 1. Default 5. */
  interval?: number;
}

/**
 * The pages a person sees in the browser: sign-in, consent and sign-out (docs/security.md 26–31).
 * @publicApi
 */
export interface SentinelInteractionOptions {
  /**
   * Seconds a built-in sign-in lasts at most, however active the person is. Default 28 800
   * (8 hours).
   */
  sessionTtl?: number;
  /** Seconds of inactivity after which a built-in sign-in ends. Default 1800 (30 minutes). */
  sessionIdleTtl?: number;
  /** Seconds a person has to finish signing in and consenting. Default 600. */
  requestTtl?: number;
  /**
   * The host app's own login instead of the built-in sign-in page: a provider class (may inject
   * the host's services) or an instance of {@link HostLogin}. Default: the built-in page.
   */
  login?: Type<HostLogin> | HostLogin;
  /** Replacements for some or all of the built-in pages. */
  templates?: Partial<SentinelPageTemplates>;
  /** What each scope means, shown on the consent page, e.g. `{ 'orders:read': 'See your orders' }`. */
  scopeDescriptions?: Record<string, string>;
}

/**
 * Options of {@link SentinelModule.forRoot}. Every field is optional.
 * @publicApi
 */
export interface SentinelModuleOptions {
  /** Prefix of every route of the module. Default `/oauth` (Flask-Sentinel `SENTINEL_ROUTE_PREFIX`). */
  routePrefix?: string;
  /** Path of the token endpoint under the prefix; `false` disables it. Default `/token`. */
  tokenPath?: string | false;
  /** Path of the management API and console under the prefix; `false` disables it. Default `/management`. */
  managementPath?: string | false;
  /**
   * Path of the token revocation endpoint (RFC 7009) under the prefix; `false` disables it.
   * Default `/revoke`.
   */
  revocationPath?: string | false;
  /**
   * Path of the token introspection endpoint (RFC 7662) under the prefix; `false` disables it.
   * Default `/introspect`.
   */
  introspectionPath?: string | false;
  /**
   * Path of the authorization endpoint (RFC 6749 §3.1) under the prefix; `false` disables it
   * and the authorization code grant with it. Default `/authorize`.
   */
  authorizePath?: string | false;
  /**
   * Path under the prefix of the pages a person sees (sign-in, consent, sign-out), used by the
   * authorization endpoint. `false` only together with `authorizePath: false`. Default
   * `/interaction`.
   */
  interactionPath?: string | false;
  /**
   * Path of the device authorization endpoint (RFC 8628 §3.1) under the prefix; `false`
   * disables it and the device authorization grant with it. Default `/device_authorization`.
   */
  deviceAuthorizationPath?: string | false;
  /**
   * Path under the prefix of the page where a person types a device's user code (RFC 8628
   * §3.3, the `verification_uri`). Default `/device`.
   */
  devicePath?: string | false;
  /**
   * Serve the authorization server metadata (RFC 8414) at the host root:
   * `GET /.well-known/oauth-authorization-server`, followed by the path of {@link issuer} when
   * it has one (RFC 8414 §3.1). Not under `routePrefix`. Default `true`.
   */
  metadata?: boolean;
  /**
   * The issuer identifier (RFC 8414 §2): an `https` URL without query or fragment, e.g.
   * `https://auth.example.com`. Endpoint URLs in the metadata are its origin followed by the
   * module's paths. Set it in production. Omitted (development): each metadata request derives
   * the issuer from the request's own origin (scheme and `Host`, as the platform's trust-proxy
   * setting reports them), and the document is sent with `Cache-Control: no-store`. `http` is
   * accepted for `localhost` and loopback addresses only. A route option (its path decides
   * where the metadata is mounted): with `forRootAsync`, give it in `routes`.
   */
  issuer?: string;
  /** `scopes_supported` advertised in the metadata (RFC 8414 §2). Omitted: not advertised. */
  scopesSupported?: string[];
  /** Introspection policy and rate limit. */
  introspection?: SentinelIntrospectionOptions;
  /** Code lifetime and PKCE policy of the authorization code grant. */
  authorizationCode?: SentinelAuthorizationCodeOptions;
  /** Code lifetime and polling interval of the device authorization grant (RFC 8628). */
  deviceCode?: SentinelDeviceCodeOptions;
  /** Session lifetimes, the host's own login, page templates and scope descriptions. */
  interaction?: SentinelInteractionOptions;
  /** Management credentials (Flask-Sentinel `SENTINEL_MANAGEMENT_USERNAME` / `_PASSWORD`). */
  management?: SentinelManagementOptions;
  /** Redis for the token cache. Omitted: an in-process cache (development only). */
  redis?: SentinelRedisConfig;
  /** MongoDB for users, clients and tokens. Omitted: in-memory stores (development only). */
  mongo?: SentinelMongoConfig;
  /** Access-token lifetime in seconds (RFC 6749 §5.1 `expires_in`). Default 3600. */
  accessTokenTtl?: number;
  /** Refresh-token lifetime in seconds. Default 1 209 600 (14 days). */
  refreshTokenTtl?: number;
  /**
   * Token lifetimes per grant type (Authlib's `OAUTH2_EXPIRES_*`), e.g.
   * `{ client_credentials: { accessTokenTtl: 300 } }`. A token gets the lifetimes of the grant
   * that issued it (a refresh: those of `refresh_token`); what is not given here falls back to
   * `accessTokenTtl` / `refreshTokenTtl`. Keys must be registered grant types (built-in or
   * `grants`). Default none.
   */
  grantLifetimes?: Record<string, SentinelTokenLifetimes>;
  /**
   * Seconds after a refresh token was rotated during which the same client presenting it again
   * gets `invalid_grant` WITHOUT the token family being revoked (Auth0's "reuse interval",
   * Okta's "grace period"), for clients that refresh concurrently. The rotated token never
   * works again either way; after the interval a presentation is reuse and revokes the family
   * (RFC 9700 §4.14.2, ADR 0003). Default 0: strict, any reuse revokes the family.
   */
  refreshTokenReuseIntervalSeconds?: number;
  /** bcrypt cost for user passwords, at least 10 (docs/security.md 16). Default 12. */
  bcryptCost?: number;
  /** `error_uri` added to every error response (RFC 6749 §5.2, RFC 6750 §3). Default none. */
  errorUri?: string;
  /**
   * `error_uri` per error code (Authlib's `OAUTH2_ERROR_URIS`), e.g.
   * `{ invalid_grant: 'https://docs.example.com/errors#invalid_grant' }`; codes not listed get
   * {@link errorUri}. Default none.
   */
  errorUris?: Partial<Record<`${OAuthErrorCode}`, string>>;
  /** Prefix of every Redis key the module writes. Default `sentinel:`. */
  keyPrefix?: string;
  /** Realm named in `WWW-Authenticate` challenges. Default `sentinel`. */
  realm?: string;
  /** Time budget of one Redis command in milliseconds before falling back to MongoDB. Default 1000. */
  redisTimeoutMs?: number;
  /**
   * Time budget in milliseconds for a MongoDB connection the module opens itself (`mongo.uri`):
   * server selection, connecting and each socket read. Commands are not buffered while the
   * server is gone, so a request fails with 503 within about this time instead of waiting.
   * A host connection (`mongo.connectionName`) keeps the host's settings. Default 5000.
   */
  mongoTimeoutMs?: number;
  /**
   * Brute-force protection of the password grant and of client authentication; on by default.
   * `false` switches it off entirely (not recommended). See {@link SentinelBruteForceOptions}.
   */
  bruteForce?: SentinelBruteForceOptions | false;
  /**
   * An in-process cache in front of Redis for the guard's token check: a bounded LRU of
   * `maxEntries` tokens (default 10 000), each served from memory for at most `ttlMs`
   * milliseconds (default 2000, at most 60 000) before Redis is asked again. `true` takes the
   * defaults. Default `false`. Needs `redis`; without it the option has no effect.
   *
   * Revocations (docs/security.md 9) are published on the Redis channel `${keyPrefix}revocations`
   * and evict the token from every instance's cache at once; while an instance's subscription
   * is down its cache is emptied and bypassed. The bound: a revoked token can still be accepted
   * by an instance for at most `ttlMs` after the revocation, and only if that instance's
   * subscription stops delivering without its connection being seen to close.
   */
  localCache?: { maxEntries?: number; ttlMs?: number } | boolean;
  /**
   * Bring your own users: a provider class (instantiated by Nest, may inject the host app's
   * services) or an instance implementing {@link UserStore}. Replaces the built-in users
   * collection for the password grant; the management API then manages clients and tokens only.
   */
  userStore?: Type<UserStore> | UserStore;
}
