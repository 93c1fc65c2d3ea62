import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { READY, type ServerConfig } from './config.js';

/**
 * Where processes run: with `taskset` and at least two cores, servers on core 0 and the load
 * generator (this process, and the redis-server and FerretDB it starts) on core 1, so the load
 * generator never steals the measured server's CPU. Otherwise nothing is pinned, and the report
 * says so.
 */
export interface Pinning {
  server: string;
  loadGenerator: string;
  /**
   * The `nice` value every bench process runs at when it could be raised (as root): the machine
   * may be shared, and a higher priority keeps other work from taking turns on the measured
   * cores. The same for baselines and variants.
   */
  nice: number | null;
}

const NICE = -10;

export function pinLoadGenerator(): Pinning | null {
  if (availableParallelism() < 2) return null;
  const found = spawnSync('sh', ['-c', 'command -v taskset'], { encoding: 'utf8' });
  if (found.status !== 0) return null;
  const pinned = spawnSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)]);
  if (pinned.status !== 0) return null;
  const reniced = spawnSync('renice', ['-n', String(NICE), '-p', String(process.pid)]);
  return { server: '0', loadGenerator: '1', nice: reniced.status === 0 ? NICE : null };
}

/** A spawned server (or helper) process and what /proc tells about it. */
export class BenchProcess {
  private output = '';

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly details: Record<string, unknown>,
  ) {}

  /**
   * Starts `script` (compiled JS) with `config`, pinned to the server core when `pinning` is
   * given, and resolves once it prints its ready line (with JSON details).
   */
  static async start(
    name: string,
    script: string,
    config: ServerConfig,
    pinning: Pinning | null,
    nodeArgs: readonly string[] = [],
    timeoutMs = 120_000,
  ): Promise<BenchProcess> {
    const node = [process.execPath, ...nodeArgs, script];
    // Children inherit this process's priority (see Pinning.nice).
    const [command, ...args] = pinning ? ['taskset', '-c', pinning.server, ...node] : node;
    const child = spawn(command, args, {
      env: { ...process.env, BENCH_CONFIG: JSON.stringify(config), NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    const details = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error('no ready line in time')), timeoutMs);
      const fail = (error: Error) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`${name}: ${error.message}\n${log.slice(-3000)}`));
      };
      child.stdout?.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        const line = log.split('\n').find((l) => l.startsWith(READY));
        if (line !== undefined) {
          clearTimeout(timer);
          resolve(JSON.parse(line.slice(READY.length + 1)) as Record<string, unknown>);
        }
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        log += chunk.toString();
      });
      child.once('exit', (code) => fail(new Error(`exited with code ${code}`)));
    });
    const started = new BenchProcess(name, child, details);
    started.output = log;
    child.stdout?.on('data', (chunk: Buffer) => started.keep(chunk));
    child.stderr?.on('data', (chunk: Buffer) => started.keep(chunk));
    return started;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Resolves when the process has exited by itself (helpers that run to completion). */
  exited(): Promise<number | null> {
    if (this.child.exitCode !== null) return Promise.resolve(this.child.exitCode);
    return new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** Peak resident set size so far (`VmHWM`), in MiB. */
  peakRssMb(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
    return Math.round((kb / 1024) * 10) / 10;
  }

  /** User + system CPU time consumed so far, in seconds. */
  cpuSeconds(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: state is field 3, utime 14 and stime 15 (1-based).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  }

  /** The last lines the process printed, for error reports. */
  tail(): string {
    return this.output.slice(-3000);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.child.kill('SIGTERM');
    });
  }

  private keep(chunk: Buffer): void {
    this.output = (this.output + chunk.toString()).slice(-6000);
  }
}
