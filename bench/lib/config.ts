/** What the orchestrator tells a server process (as JSON in `BENCH_CONFIG`). */

export type Platform = 'express' | 'fastify';

/** A Nest app with SentinelModule: `GET /open`, `GET /protected` (OAuthGuard), the token endpoint. */
export interface NestServerConfig {
  kind: 'nest';
  platform: Platform;
  port: number;
  mongoUrl: string;
  dbName: string;
  redisUrl: string;
  /** When set, the module connects to this Redis Cluster instead of `redisUrl` (scenario 6). */
  redisCluster?: Array<{ host: string; port: number }>;
  keyPrefix: string;
  /** The module's `localCache` option (its defaults when `true`). */
  localCache: boolean;
  bcryptCost: number;
  /**
   * Users `${prefix}0` … `${prefix}${count - 1}` sharing one password, and a public
   * password-grant client, to create at start-up (scenarios 3 and 6).
   */
  seedUsers?: { prefix: string; count: number; password: string };
  /**
   * A public client allowed `authorization_code` and `refresh_token` with this redirect URI,
   * created at start-up with the seeded users' ids in the ready line (scenario 7).
   */
  codeFlow?: { redirectUri: string };
  /**
   * Scenario 8 (device polling): create a public client allowed the device grant (RFC 8628),
   * and count every MongoDB operation the process issues (a Mongoose debug hook), served at
   * `GET /bench/mongo-ops`.
   */
  device?: { interval: number };
}

/** @node-oauth/oauth2-server on Express with a Redis-backed model: `GET /open`, `GET /protected`. */
export interface PeerServerConfig {
  kind: 'peer';
  port: number;
  redisUrl: string;
  /** The Sentinel key prefix whose token keys the peer's model reads (same data, same JSON). */
  keyPrefix: string;
}

/** bcrypt.compare in a loop, `concurrency` at a time, for `durationMs`. */
export interface BcryptRateConfig {
  kind: 'bcrypt';
  cost: number;
  concurrency: number;
  durationMs: number;
}

/**
 * Round-robin reverse proxies (test/harness/round-robin-proxy.ts), one per listener, in one
 * process: the load balancer in front of N instances (scenario 6).
 */
export interface ProxyServerConfig {
  kind: 'proxy';
  listeners: Array<{ port: number; targets: number[] }>;
}

export type ServerConfig =
  NestServerConfig | PeerServerConfig | BcryptRateConfig | ProxyServerConfig;

/** The one JSON body every measured route answers with, guarded or not. */
export const PAYLOAD = { ok: true } as const;

export function readConfig<T extends ServerConfig>(kind: T['kind']): T {
  const raw = process.env.BENCH_CONFIG;
  if (raw === undefined) throw new Error('BENCH_CONFIG is not set');
  const config = JSON.parse(raw) as ServerConfig;
  if (config.kind !== kind) throw new Error(`expected a ${kind} config, got ${config.kind}`);
  return config as T;
}

/** The line a server prints once it listens, followed by JSON details. */
export const READY = 'BENCH-READY';
