/**
 * Starts real backing services for the tests: redis-server and FerretDB (SQLite backend) on
 * free loopback ports in a temporary directory. Every handle can be stopped and started again
 * on the same port and data directory, which the fault-tolerance tests use.
 */
export interface ServiceHandle {
  readonly name: string;
  readonly url: string;
  readonly description: string;
  /** The loopback port (Redis processes). */
  readonly port?: number;
  readonly running: boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGKILL: the process dies without saving or closing connections. */
  kill(): Promise<void>;
}
export declare function freePort(): Promise<number>;
/** `count` distinct free loopback ports, held open together before any is released. */
export declare function freePorts(count: number): Promise<number[]>;
export declare function findRedisServer(): string;
export declare function findFerretDb(): string;
export declare function findRedisCli(): string;
export declare function redisProcess(
  port: number,
  dir: string | undefined,
  extraArgs: string[],
  name?: string,
  configFile?: string,
): ServiceHandle;
export declare function startRedis(
  dir: string,
  options?: { persist?: boolean },
): Promise<ServiceHandle>;
export declare function startFerretDb(dir: string): Promise<ServiceHandle>;
export declare function makeServiceDir(prefix: string): {
  path: string;
  remove(): void;
};
