import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The package root: the nearest directory upwards holding this package's package.json. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readPackageName(manifest) === 'nestjs-sentinel') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('nestjs-sentinel package.json not found');
    dir = parent;
  }
}

function readPackageName(manifest: string): string | undefined {
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name;
}

/** The compiled bench directory (where this file's siblings were emitted). */
export function benchDir(): string {
  return dirname(dirname(fileURLToPath(import.meta.url)));
}

/** The test harness's service starters (real redis-server and FerretDB on free ports). */
export interface ServiceHandle {
  readonly url: string;
  readonly description: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}
export interface TestServices {
  freePort(): Promise<number>;
  startRedis(dir: string): Promise<ServiceHandle>;
  startFerretDb(dir: string): Promise<ServiceHandle>;
  makeServiceDir(prefix: string): { path: string; remove(): void };
  findRedisServer(): string;
  findFerretDb(): string;
}

export async function testServices(): Promise<TestServices> {
  const path = join(projectRoot(), 'test', 'harness', 'test-services.js');
  return (await import(pathToFileURL(path).href)) as TestServices;
}

/** A Redis Cluster of 3 primaries and 3 replicas on free loopback ports (test harness). */
export interface ClusterHandle {
  readonly nodes: Array<{ host: string; port: number }>;
  readonly description: string;
  stop(): Promise<void>;
}

/** The test harness's Redis Cluster starter (`test/harness/redis-topologies.js`). */
export async function startRedisCluster(): Promise<ClusterHandle> {
  const path = join(projectRoot(), 'test', 'harness', 'redis-topologies.js');
  const topologies = (await import(pathToFileURL(path).href)) as {
    startRedisCluster(): Promise<ClusterHandle>;
  };
  return topologies.startRedisCluster();
}

function packageVersion(name: string): string {
  const manifest = join(projectRoot(), 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

function commandVersion(binary: string, args: string[], pattern: RegExp): string {
  const out = spawnSync(binary, args, { encoding: 'utf8' });
  return pattern.exec(`${out.stdout}${out.stderr}`)?.[1] ?? 'unknown';
}

export interface MachineInfo {
  /** Cores of the machine (the bench itself may be pinned to fewer). */
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  platform: string;
}

export function machineInfo(): MachineInfo {
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform} ${process.arch}`,
  };
}

export function versions(services: TestServices): Record<string, string> {
  return {
    node: process.version,
    'nestjs-sentinel': (
      JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }
    ).version,
    '@nestjs/core': packageVersion('@nestjs/core'),
    '@nestjs/platform-express': packageVersion('@nestjs/platform-express'),
    '@nestjs/platform-fastify': packageVersion('@nestjs/platform-fastify'),
    express: packageVersion('express'),
    fastify: packageVersion('fastify'),
    ioredis: packageVersion('ioredis'),
    mongoose: packageVersion('mongoose'),
    bcrypt: packageVersion('bcrypt'),
    autocannon: packageVersion('autocannon'),
    '@node-oauth/oauth2-server': packageVersion('@node-oauth/oauth2-server'),
    'redis-server': commandVersion(services.findRedisServer(), ['--version'], /v=(\S+)/),
    ferretdb: commandVersion(services.findFerretDb(), ['--version'], /version:\s*(\S+)/),
  };
}
