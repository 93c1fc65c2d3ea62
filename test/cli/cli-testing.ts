import { execFile, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SentinelModuleOptions } from '../../src/sentinel-options.js';
import {
  ADMIN,
  managedModule,
  startManagementApp,
  type ManagementApp,
} from '../management/management-testing.js';
import { removeDir } from '../package/packed-package.js';

const REPO = process.cwd();

/** A built copy of the CLI: `<dir>/dist/cjs/cli/main.js`, as the package ships it. */
export interface BuiltCli {
  dir: string;
  main: string;
}

/**
 * Compiles `src/cli` with the package's own build configuration (tsconfig.build.json: CommonJS,
 * the layout of `dist/cjs`) into a scratch package under `node_modules/.cache`, so it resolves
 * `commander` from this repository and never races with `npm pack` rebuilding `dist/`.
 */
export async function buildCli(): Promise<BuiltCli> {
  mkdirSync(join(REPO, 'node_modules/.cache'), { recursive: true });
  const cacheDir = join(REPO, 'node_modules/.cache', `sentinel-cli-${process.pid}-${Date.now()}`);
  mkdirSync(cacheDir, { recursive: true });
  const outDir = join(cacheDir, 'dist/cjs');
  const tsconfig = join(cacheDir, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(REPO, 'tsconfig.build.json'),
      compilerOptions: {
        rootDir: join(REPO, 'src'),
        outDir,
        declaration: false,
        declarationMap: false,
        sourceMap: false,
      },
      include: [join(REPO, 'src/cli')],
      exclude: [join(REPO, 'src/**/*.spec.ts')],
    }),
  );
  await promisify(execFile)(process.execPath, [
    join(REPO, 'node_modules/typescript/bin/tsc'),
    '-p',
    tsconfig,
  ]);
  writeFileSync(join(outDir, 'package.json'), JSON.stringify({ type: 'commonjs' }));
  writeFileSync(
    join(cacheDir, 'package.json'),
    JSON.stringify({ name: 'nestjs-sentinel', version: '0.0.0-test' }),
  );
  return { dir: cacheDir, main: join(outDir, 'cli/main.js') };
}

/** Removes a copy made by {@link buildCli}. */
export function removeCli(cli: BuiltCli | undefined): void {
  removeDir(cli?.dir);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a child process with only `env` (plus PATH), feeding `input` on stdin. */
export function runCli(
  cli: BuiltCli,
  args: string[],
  env: Record<string, string> = {},
  input = '',
): Promise<CliResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [cli.main, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolveRun({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

export interface CliServer extends ManagementApp {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** The management API base URL, what `--endpoint` takes. */
  endpoint: string;
  /** SENTINEL_ENDPOINT, SENTINEL_ADMIN_USER, SENTINEL_ADMIN_PASSWORD for this server. */
  env: Record<string, string>;
}

/** A real server (Express, management on) listening on a free loopback port. */
export async function startCliServer(backend: SentinelModuleOptions): Promise<CliServer> {
  const started = await startManagementApp(managedModule(backend));
  await started.app.listen(0, '127.0.0.1');
  const { port } = started.app.getHttpServer().address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const endpoint = `${origin}/oauth/management`;
  return {
    ...started,
    origin,
    endpoint,
    env: {
      SENTINEL_ENDPOINT: endpoint,
      SENTINEL_ADMIN_USER: ADMIN.username,
      SENTINEL_ADMIN_PASSWORD: ADMIN.password,
    },
  };
}

/** A password-grant token request to the real token endpoint; the status and body. */
export async function tokenRequest(
  origin: string,
  form: Record<string, string>,
  basic?: { id: string; secret: string },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (basic) {
    headers.Authorization = `Basic ${Buffer.from(`${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`).toString('base64')}`;
  }
  const response = await fetch(`${origin}/oauth/token`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
