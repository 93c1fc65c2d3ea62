import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
const INSTALL_HINT =
  'Run `bash scripts/install-test-services.sh` (or `npm run test:services`) to install it.';
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
/**
 * `count` distinct free loopback ports: all are held open at once before any is released, so no
 * two of them can be the same port (separate `freePort()` calls may hand out one port twice).
 */
export async function freePorts(count) {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise((resolve, reject) => {
          const server = createServer();
          server.unref();
          server.on('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => server.address().port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
function onPath(binary) {
  const found = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}
export function findRedisServer() {
  const path = onPath('redis-server');
  if (!path) throw new Error(`redis-server was not found on PATH. ${INSTALL_HINT}`);
  return path;
}
export function findRedisCli() {
  const path = onPath('redis-cli');
  if (!path)
    throw new Error(`redis-cli was not found on PATH (Debian: redis-tools). ${INSTALL_HINT}`);
  return path;
}
export function findFerretDb() {
  const candidates = [
    process.env.FERRETDB_BIN,
    onPath('ferretdb'),
    process.env.GOBIN ? join(process.env.GOBIN, 'ferretdb') : undefined,
    process.env.GOPATH ? join(process.env.GOPATH, 'bin', 'ferretdb') : undefined,
    join(homedir(), 'go', 'bin', 'ferretdb'),
  ];
  const path = candidates.find((candidate) => candidate && existsSync(candidate));
  if (!path) throw new Error(`FerretDB (ferretdb) was not found. ${INSTALL_HINT}`);
  return path;
}
/** Sends `PING` over RESP and resolves once the server answers `+PONG`. */
function redisAnswers(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}
/** Sends an OP_MSG `ping` and resolves once the server replies with any message. */
function mongoAnswers(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write(pingMessage()));
    socket.on('data', (data) => done(data.length >= 16));
  });
}
function pingMessage() {
  // BSON document { ping: 1, $db: "admin" }
  const fields = Buffer.concat([
    Buffer.from([0x10]),
    Buffer.from('ping\0'),
    int32(1),
    Buffer.from([0x02]),
    Buffer.from('$db\0'),
    int32(6),
    Buffer.from('admin\0'),
  ]);
  const document = Buffer.concat([int32(fields.length + 5), fields, Buffer.from([0])]);
  const body = Buffer.concat([int32(0), Buffer.from([0]), document]); // flagBits, section kind 0
  const header = Buffer.concat([int32(16 + body.length), int32(1), int32(0), int32(2013)]);
  return Buffer.concat([header, body]);
}
function int32(value) {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32LE(value);
  return buffer;
}
async function waitUntil(check, what, child, log) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${what} exited with code ${child.exitCode} before answering:\n${log()}`);
    }
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not answer within 30 s:\n${log()}`);
}
class ManagedProcess {
  name;
  port;
  url;
  description;
  command;
  args;
  ready;
  child;
  output = '';
  constructor(name, url, description, command, args, ready) {
    this.name = name;
    this.url = url;
    this.description = description;
    this.command = command;
    this.args = args;
    this.ready = ready;
  }
  async start() {
    if (this.running) return;
    this.output = '';
    const child = spawn(this.command, this.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const keep = (chunk) => {
      this.output = (this.output + chunk.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await waitUntil(this.ready, this.name, child, () => this.output);
  }
  get running() {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }
  /** SIGKILL: no shutdown, no save; resolves once the process is gone. */
  async kill() {
    const child = this.child;
    if (!child || !this.running) return;
    await new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
  async stop() {
    const child = this.child;
    if (!child || !this.running) return;
    await new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}
/**
 * A redis-server (or, with `--sentinel` in `extraArgs`, a Sentinel) on `port`, with its data in
 * `dir` when given. Not started yet.
 */
export function redisProcess(port, dir, extraArgs, name = 'redis-server', configFile) {
  const binary = findRedisServer();
  const version = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout.match(
    /v=(\S+)/,
  )?.[1];
  if (dir) mkdirSync(dir, { recursive: true });
  const dataArgs = dir ? ['--dir', dir] : [];
  // Replicas sync at once rather than after the default 5 s diskless-sync delay.
  const replication = name === 'redis-server' ? ['--repl-diskless-sync-delay', '0'] : [];
  const handle = new ManagedProcess(
    name,
    `redis://127.0.0.1:${port}`,
    `${name} ${version ?? '?'} on 127.0.0.1:${port}`,
    binary,
    // A config file (Sentinel's) must come first.
    [
      ...(configFile ? [configFile] : []),
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      ...dataArgs,
      ...replication,
      ...extraArgs,
    ],
    () => redisAnswers(port),
  );
  handle.port = port;
  return handle;
}
/**
 * A standalone redis-server on a free port. Without persistence by default; with
 * `{ persist: true }` it keeps an append-only file fsynced on every write, so a restart brings
 * back exactly what it held (the "Redis returns with its old data" faults).
 */
export async function startRedis(dir, { persist = false } = {}) {
  const port = await freePort();
  const persistence = persist
    ? ['--save', '', '--appendonly', 'yes', '--appendfsync', 'always']
    : ['--save', '', '--appendonly', 'no'];
  const handle = redisProcess(port, dir, persistence);
  await handle.start();
  return handle;
}
export async function startFerretDb(dir) {
  const binary = findFerretDb();
  const port = await freePort();
  const handle = new ManagedProcess(
    'FerretDB',
    `mongodb://127.0.0.1:${port}/`,
    `FerretDB 1.24.2 (SQLite backend) on 127.0.0.1:${port}`,
    binary,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${dir}/`,
      `--state-dir=${dir}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=127.0.0.1:0',
      '--telemetry=disable',
      '--log-level=warn',
    ],
    () => mongoAnswers(port),
  );
  await handle.start();
  return handle;
}
export function makeServiceDir(prefix) {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
