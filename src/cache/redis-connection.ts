import { Logger, type LoggerService } from '@nestjs/common';
import { OutageLog } from '../outage-log.js';
import { Cluster, Redis, type ClusterNode, type ClusterOptions, type RedisOptions } from 'ioredis';

/**
 * A Redis Cluster given by its nodes: the module makes (and closes) the ioredis `Cluster` client.
 * `clusterOptions` are ioredis cluster options (`redisOptions` for each node's connection).
 */
export interface RedisClusterConfig {
  /** Some of the cluster's nodes (`{ host, port }` or `'host:port'`); the rest are discovered. */
  clusterNodes: ClusterNode[];
  clusterOptions?: ClusterOptions;
}

/**
 * How the module reaches Redis: a URL (`redis://…`, `rediss://…`), ioredis options (including
 * Sentinel settings: `sentinels` + `name`), a Cluster's nodes ({@link RedisClusterConfig}), or a
 * client the application already has (`Redis` or `Cluster`). URLs, options and node lists make a
 * client the module owns and closes at shutdown; an application's client is used as is and
 * never closed by the module.
 */
export type RedisConfig = string | RedisOptions | RedisClusterConfig | Redis | Cluster;

/**
 * A Redis client and whether the module created it (and so must close it). A Cluster client is
 * carried under the `Redis` type: the module only uses commands both have, keeping multi-key
 * commands within one hash slot ({@link isCluster}, ADR 0012).
 */
export interface RedisConnection {
  client: Redis;
  owned: boolean;
}

/** Bounds applied to clients the module creates, so no request hangs while Redis is down. */
export interface RedisConnectionOptions {
  /** A command without a reply after this many milliseconds is rejected. Default 1000. */
  commandTimeoutMs?: number;
  /** A TCP/TLS connect that has not completed after this many milliseconds is retried. Default 2000. */
  connectTimeoutMs?: number;
  /** Upper bound of the exponential reconnect backoff, in milliseconds. Default 2000. */
  maxReconnectDelayMs?: number;
  /** Where connection loss and recovery are reported (once per outage). Default: a Nest Logger. */
  logger?: Pick<LoggerService, 'log' | 'warn'>;
}

export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 1000;
export const DEFAULT_REDIS_CONNECT_TIMEOUT_MS = 2000;
export const DEFAULT_REDIS_MAX_RECONNECT_DELAY_MS = 2000;

const CLIENT_METHODS = ['get', 'set', 'publish', 'duplicate'] as const;

/**
 * True for an ioredis client, including one from another copy of ioredis in `node_modules`
 * (e.g. the one `@liaoliaots/nestjs-redis` depends on), where `instanceof` is false.
 */
export function isRedisClient(value: unknown): value is Redis | Cluster {
  if (value instanceof Redis || value instanceof Cluster) return true;
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return CLIENT_METHODS.every((method) => typeof candidate[method] === 'function');
}

/** Reconnect delay for attempt `times` (1-based): 100, 200, 400 … ms, capped; never gives up. */
export function reconnectDelay(times: number, maxDelayMs: number): number {
  return Math.min(100 * 2 ** Math.min(Math.max(times - 1, 0), 16), maxDelayMs);
}

/**
 * Turns a {@link RedisConfig} into a client. Clients created here get:
 * - `commandTimeout` (default 1 s): a command that gets no reply rejects instead of hanging;
 * - `enableOfflineQueue: false`: while not connected (start-up, outage, reconnect) commands fail
 *   at once instead of queueing. For a cache that is what we want: the caller falls back to
 *   MongoDB immediately, and requests never pile up behind a dead connection. The cost is that
 *   commands issued before the first `ready` fail too; use {@link waitForRedis} at bootstrap;
 * - `maxRetriesPerRequest: 1` and a `retryStrategy` that keeps reconnecting forever with capped
 *   exponential backoff, so the client recovers on its own when Redis comes back.
 *   (Not `enableAutoPipelining`: measured with `npm run bench`, it lowered the guard's
 *   throughput and raised the server's peak RSS under load by about 100 MB.)
 * Fields set explicitly in an options object win over these defaults.
 */
export function openRedis(
  config: RedisConfig,
  options: RedisConnectionOptions = {},
): RedisConnection {
  if (isRedisClient(config)) return { client: config as Redis, owned: false };
  const maxDelay = options.maxReconnectDelayMs ?? DEFAULT_REDIS_MAX_RECONNECT_DELAY_MS;
  const perCommand = {
    commandTimeout: options.commandTimeoutMs ?? DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: options.connectTimeoutMs ?? DEFAULT_REDIS_CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
  };
  const retry = (times: number) => reconnectDelay(times, maxDelay);
  let client: Redis;
  if (isClusterConfig(config)) {
    const given = withoutUndefined(config.clusterOptions ?? {});
    const cluster = new Cluster(config.clusterNodes, {
      enableOfflineQueue: false,
      clusterRetryStrategy: retry,
      ...given,
      redisOptions: { ...perCommand, ...withoutUndefined(given.redisOptions ?? {}) },
    });
    client = cluster as unknown as Redis;
  } else {
    const bounded: RedisOptions = {
      ...perCommand,
      enableOfflineQueue: false,
      retryStrategy: retry,
      // With Sentinels: keep asking them for the primary, forever, with the same backoff.
      sentinelRetryStrategy: retry,
    };
    client =
      typeof config === 'string'
        ? new Redis(config, bounded)
        : new Redis({ ...bounded, ...withoutUndefined(config) });
  }
  reportOutages(client, options.logger ?? new Logger('SentinelRedis'));
  return { client, owned: true };
}

/** True for a {@link RedisClusterConfig} (a node list the module turns into a `Cluster`). */
export function isClusterConfig(value: unknown): value is RedisClusterConfig {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as Partial<RedisClusterConfig>).clusterNodes)
  );
}

/** ioredis marks its Cluster client; a plain client (or a look-alike) is not one. */
export function isCluster(client: Redis | Cluster): boolean {
  return (client as { isCluster?: boolean }).isCluster === true;
}

/**
 * A second connection like `client`, for a subscription: ioredis' `duplicate()` takes options
 * on a plain client and (startup nodes, options) on a Cluster.
 */
export function duplicateForSubscription(client: Redis): Redis {
  if (isCluster(client)) {
    const cluster = client as unknown as Cluster;
    return cluster.duplicate(undefined, { lazyConnect: false }) as unknown as Redis;
  }
  return client.duplicate({ autoResubscribe: false, lazyConnect: false });
}

/**
 * Resolves `true` once the client is ready, `false` if it is not within `timeoutMs` (or has been
 * closed). Never rejects: a cache that is down at start-up must not stop the application.
 */
export function waitForRedis(client: Redis, timeoutMs: number): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  if (client.status === 'end') return Promise.resolve(false);
  return new Promise((resolve) => {
    const settle = (ready: boolean) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('end', onEnd);
      resolve(ready);
    };
    const onReady = () => settle(true);
    const onEnd = () => settle(false);
    const timer = setTimeout(() => settle(false), timeoutMs);
    client.once('ready', onReady);
    client.once('end', onEnd);
  });
}

/**
 * Closes the client if the module created it, resolving once its connection is gone; an
 * application's client is left open.
 */
export async function closeRedis({ client, owned }: RedisConnection): Promise<void> {
  if (!owned || client.status === 'end') return;
  const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
  if (client.status === 'ready') {
    // QUIT lets the server finish the commands in flight; bounded by commandTimeout.
    await client.quit().catch(() => client.disconnect());
  } else {
    // Without a connection QUIT cannot be sent (offline queue disabled): stop reconnecting.
    client.disconnect();
  }
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, client.options?.commandTimeout ?? 1000);
  });
  await Promise.race([ended, giveUp]);
  clearTimeout(timer);
}

function withoutUndefined<T extends object>(options: T): T {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as T;
}

/** One warning when the connection is lost and one line when it is back, not one per retry. */
function reportOutages(client: Redis, logger: Pick<LoggerService, 'log' | 'warn'>): void {
  const outage = new OutageLog(logger);
  // Without an 'error' listener ioredis prints every failed reconnect attempt to the console.
  client.on('error', (error: Error) => {
    // The message names host and port at most, never the URL (which may carry a password).
    outage.failed(
      () => `Redis unavailable, the token cache falls back to MongoDB: ${error.message}`,
    );
  });
  client.on('ready', () => outage.succeeded('Redis connection restored'));
}
