import type { ServiceHandle } from './test-services.js';

export interface HostPort {
  host: string;
  port: number;
}

export declare function redisCli(port: number, ...args: string[]): string;

/** A primary, a replica and 3 Sentinels (see redis-topologies.js). */
export interface SentinelTopology {
  readonly name: string;
  readonly sentinels: HostPort[];
  readonly description: string;
  primaryPort(): number;
  server(port: number): ServiceHandle | undefined;
  waitForFailover(oldPort: number): Promise<void>;
  waitForReplicas(): Promise<void>;
  stop(): Promise<void>;
}

/** 3 primaries and 3 replicas (see redis-topologies.js). */
export interface ClusterTopology {
  readonly nodes: HostPort[];
  readonly description: string;
  primaryPorts(): number[];
  server(port: number): ServiceHandle | undefined;
  waitForHealthy(): Promise<void>;
  stop(): Promise<void>;
}

export declare function startRedisSentinel(options?: { name?: string }): Promise<SentinelTopology>;
export declare function startRedisCluster(): Promise<ClusterTopology>;
