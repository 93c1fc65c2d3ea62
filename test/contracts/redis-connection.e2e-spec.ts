import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { CacheUnavailableError } from '../../src/cache/cache.errors.js';
import {
  closeRedis,
  DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
  DEFAULT_REDIS_MAX_RECONNECT_DELAY_MS,
  isRedisClient,
  openRedis,
  reconnectDelay,
  type RedisConnection,
  waitForRedis,
} from '../../src/cache/redis-connection.js';
import { RedisTokenCache } from '../../src/cache/redis-token-cache.js';
import { openTestRedis, redisUrl, uniqueKeyPrefix } from '../harness/backends.js';
import {
  freePort,
  makeServiceDir,
  type ServiceHandle,
  startRedis,
} from '../harness/test-services.js';

const TIMED_OUT = Symbol('timed out');

/** Settles `promise` or gives up after `ms`: a bound on hanging, not a performance check. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The rejection of `promise`, which must settle within `ms`. */
async function rejectionWithin(promise: Promise<unknown>, ms: number): Promise<unknown> {
  const outcome = await within(
    promise.then(
      () => ({ rejected: false as const }),
      (error: unknown) => ({ rejected: true as const, error }),
    ),
    ms,
  );
  if (outcome === TIMED_OUT) throw new Error(`still pending after ${ms} ms`);
  if (!outcome.rejected) throw new Error('resolved, expected a rejection');
  return outcome.error;
}

/** Polls `check` every 50 ms; fails after `ms`. */
async function until(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function silentLogger() {
  return { log: jest.fn(), warn: jest.fn() };
}

describe('openRedis / closeRedis', () => {
  const opened: RedisConnection[] = [];
  const open = (...args: Parameters<typeof openRedis>) => {
    const connection = openRedis(...args);
    opened.push(connection);
    return connection;
  };
  afterAll(async () => {
    for (const connection of opened) await closeRedis(connection);
  });

  it('makes an owned client from a URL, with bounded defaults, and quits it on close', async () => {
    const connection = open(redisUrl(), { logger: silentLogger() });
    expect(connection.owned).toBe(true);
    expect(connection.client).toBeInstanceOf(Redis);
    const { options } = connection.client;
    expect(options.commandTimeout).toBe(DEFAULT_REDIS_COMMAND_TIMEOUT_MS);
    expect(options.maxRetriesPerRequest).toBe(1);
    expect(options.enableOfflineQueue).toBe(false);
    expect(await waitForRedis(connection.client, 10_000)).toBe(true);
    expect(await connection.client.ping()).toBe('PONG');

    await closeRedis(connection);
    expect(connection.client.status).toBe('end');
    await expect(connection.client.ping()).rejects.toThrow();
  });

  it('uses an existing ioredis instance as is and never closes it', async () => {
    const appClient = openTestRedis();
    try {
      const connection = openRedis(appClient);
      expect(connection).toEqual({ client: appClient, owned: false });
      await closeRedis(connection);
      expect(await appClient.ping()).toBe('PONG');
      expect(appClient.status).toBe('ready');
    } finally {
      await appClient.quit();
    }
  });

  it('recognises a client from another copy of ioredis by its methods', async () => {
    const appClient = openTestRedis();
    try {
      // Not `instanceof Redis`: what a second ioredis in node_modules hands the application.
      const foreign = {
        status: 'ready',
        get: appClient.get.bind(appClient),
        set: appClient.set.bind(appClient),
        publish: appClient.publish.bind(appClient),
        duplicate: appClient.duplicate.bind(appClient),
        quit: jest.fn(async () => 'OK'),
        disconnect: jest.fn(),
      };
      expect(foreign).not.toBeInstanceOf(Redis);
      expect(isRedisClient(foreign)).toBe(true);
      const connection = openRedis(foreign as unknown as Redis);
      expect(connection.owned).toBe(false);
      expect(connection.client).toBe(foreign);
      await closeRedis(connection);
      expect(foreign.quit).not.toHaveBeenCalled();
      expect(foreign.disconnect).not.toHaveBeenCalled();

      const prefix = uniqueKeyPrefix('foreign');
      const cache = new RedisTokenCache(connection.client, prefix);
      await cache.revoke([]);
      await appClient.set(`${prefix}d`, '{"revoked":true}', 'EX', 60);
      expect(await cache.get('d')).toEqual({ revoked: true });
      await appClient.del(`${prefix}d`);
    } finally {
      await appClient.quit();
    }
  });

  it('does not mistake an options object for a client', () => {
    expect(isRedisClient({ host: '127.0.0.1', port: 6379, db: 0 })).toBe(false);
    expect(isRedisClient(redisUrl())).toBe(false);
    expect(isRedisClient(null)).toBe(false);
  });

  it('makes an owned client from ioredis options; explicit options win over the defaults', async () => {
    const { hostname, port } = new URL(redisUrl());
    const connection = open(
      { host: hostname, port: Number(port), commandTimeout: 500, connectionName: 'sentinel-test' },
      { logger: silentLogger() },
    );
    expect(connection.owned).toBe(true);
    expect(connection.client.options.commandTimeout).toBe(500);
    expect(connection.client.options.enableOfflineQueue).toBe(false);
    expect(await waitForRedis(connection.client, 10_000)).toBe(true);
    expect(await connection.client.client('GETNAME')).toBe('sentinel-test');
  });

  it('applies configured timeouts and reconnects forever with a capped backoff', () => {
    const connection = open(redisUrl(), {
      commandTimeoutMs: 250,
      connectTimeoutMs: 300,
      maxReconnectDelayMs: 700,
      logger: silentLogger(),
    });
    const { options } = connection.client;
    expect(options.commandTimeout).toBe(250);
    expect(options.connectTimeout).toBe(300);
    const delays = [1, 2, 3, 4, 10, 1000].map((times) => options.retryStrategy?.(times));
    expect(delays).toEqual([100, 200, 400, 700, 700, 700]);
    expect(reconnectDelay(10_000, DEFAULT_REDIS_MAX_RECONNECT_DELAY_MS)).toBe(
      DEFAULT_REDIS_MAX_RECONNECT_DELAY_MS,
    );
  });

  it('waitForRedis answers false, without hanging, when nothing listens', async () => {
    const port = await freePort();
    const connection = open(`redis://127.0.0.1:${port}`, { logger: silentLogger() });
    expect(await within(waitForRedis(connection.client, 300), 3000)).toBe(false);
    const cache = new RedisTokenCache(connection.client, 'unreachable:');
    const error = await rejectionWithin(cache.get('d'), 3000);
    expect(error).toBeInstanceOf(CacheUnavailableError);
  });
});

describe('a Redis outage (private redis-server the test stops and starts)', () => {
  const dir = makeServiceDir('sentinel-redis-outage-');
  let server: ServiceHandle;
  let connection: RedisConnection;
  let cache: RedisTokenCache;
  const logger = silentLogger();

  beforeAll(async () => {
    server = await startRedis(dir.path);
    connection = openRedis(server.url, { logger });
    expect(await waitForRedis(connection.client, 10_000)).toBe(true);
    cache = new RedisTokenCache(connection.client, uniqueKeyPrefix('outage'));
  });
  afterAll(async () => {
    await closeRedis(connection);
    await server.stop();
    dir.remove();
  });

  it('rejects a command the server does not answer after the command timeout', async () => {
    const admin = new Redis(server.url);
    try {
      await admin.client('PAUSE', 2500, 'ALL');
      const error = await rejectionWithin(cache.get('paused'), 3000);
      expect(error).toBeInstanceOf(CacheUnavailableError);
      expect((error as Error).message).toMatch(/timed out/i);
    } finally {
      // Answered only once the pause is over, so the next test starts with a responsive server.
      await admin.ping();
      admin.disconnect();
    }
  });

  it('fails fast while the server is down and recovers on the same client', async () => {
    await cache.add('before', { sub: 'u', client_id: 'c', scope: '', exp: 1 }, 60);
    await server.stop();

    for (const operation of [
      cache.get('before'),
      cache.add('during', { sub: 'u', client_id: 'c', scope: '', exp: 1 }, 60),
      cache.revoke([{ digest: 'during', ttlSeconds: 60 }]),
    ]) {
      expect(await rejectionWithin(operation, 3000)).toBeInstanceOf(CacheUnavailableError);
    }
    // Reconnect attempts fail while the server is down; the outage is reported once, not per retry.
    await until(() => logger.warn.mock.calls.length > 0, 5000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(String(logger.warn.mock.calls[0][0])).not.toContain(server.url);

    await server.start();
    const deadline = Date.now() + 15_000;
    let recovered = false;
    while (!recovered && Date.now() < deadline) {
      recovered = await cache.get('probe').then(
        () => true,
        () => false,
      );
      if (!recovered) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(recovered).toBe(true);
    // The server keeps no data across restarts here: the entry is gone, the cache works again.
    expect(await cache.get('before')).toBeUndefined();
    await cache.revoke([{ digest: 'after', ttlSeconds: 60 }]);
    expect(await cache.get('after')).toEqual({ revoked: true });
    expect(logger.log).toHaveBeenCalledWith('Redis connection restored');
  });
});
