import { execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { SentinelModuleOptions } from '../../src/index.js';
import { removeDir, startNode, stopNode } from '../package/packed-package.js';
import type { InstanceConfig } from './instance-app.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A compiled copy of `test/scale/instance-app.ts` and the sources it imports. */
export interface BuiltInstanceApp {
  dir: string;
  script: string;
}

/**
 * Compiles the instance app with the repository's tsconfig (ESM, decorators) into a scratch
 * directory under `node_modules/.cache`, so the compiled files resolve this repository's
 * packages, as test/cli's `buildCli` does. Types are checked by `npm run lint`, not here.
 */
export async function buildInstanceApp(): Promise<BuiltInstanceApp> {
  const dir = join(REPO, 'node_modules/.cache', `sentinel-scale-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const tsconfig = join(dir, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(REPO, 'tsconfig.json'),
      compilerOptions: {
        noEmit: false,
        noCheck: true,
        sourceMap: false,
        rootDir: REPO,
        outDir: dir,
        types: ['node'],
      },
      include: [],
      files: [join(REPO, 'test/scale/instance-app.ts')],
    }),
  );
  await promisify(execFile)(process.execPath, [
    join(REPO, 'node_modules/typescript/bin/tsc'),
    '-p',
    tsconfig,
  ]);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  return { dir, script: join(dir, 'test/scale/instance-app.js') };
}

/** Removes a copy made by {@link buildInstanceApp}. */
export function removeInstanceApp(built: BuiltInstanceApp | undefined): void {
  removeDir(built?.dir);
}

/** One running instance process. */
export interface Instance {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>` */
  base: string;
  output(): string;
}

/** Starts one instance per port, all with the same options, as separate processes. */
export async function startInstances(
  built: BuiltInstanceApp,
  ports: readonly number[],
  options: SentinelModuleOptions,
): Promise<Instance[]> {
  const started = await Promise.allSettled(
    ports.map((port) => {
      const config: InstanceConfig = { port, options };
      return startNode(built.script, REPO, {
        ...process.env,
        NODE_ENV: 'production',
        SCALE_INSTANCE: JSON.stringify(config),
      });
    }),
  );
  const running = started.flatMap((result) =>
    result.status === 'fulfilled' ? [result.value] : [],
  );
  const failed = started.find((result) => result.status === 'rejected');
  if (failed !== undefined) {
    await stopInstances(running);
    throw (failed as PromiseRejectedResult).reason;
  }
  return running;
}

/** Stops every instance (SIGTERM, then SIGKILL after 5 s) and waits for each to exit. */
export async function stopInstances(instances: readonly Instance[] | undefined): Promise<void> {
  await Promise.all(
    (instances ?? []).map(async ({ child }) => {
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await stopNode(child);
      clearTimeout(killer);
    }),
  );
}

/** `GET /api/me` with a bearer token; the status and, on 200, the identity the guard found. */
export async function callApi(
  base: string,
  accessToken: string,
): Promise<{ status: number; userId?: string }> {
  const response = await fetch(`${base}/api/me`, {
    headers: { Authorization: `Bearer ${accessToken}` },
  });
  if (response.status !== 200) {
    await response.arrayBuffer();
    return { status: response.status };
  }
  const body = (await response.json()) as { userId?: string };
  return { status: response.status, userId: body.userId };
}

/** A form POST to the module's endpoints (public client: `client_id` in the body). */
export async function postForm(
  base: string,
  path: string,
  fields: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/**
 * Polls `GET /api/me` until it answers `want` or `deadlineMs` passes; the last status. The
 * result is what is asserted, never how long it took.
 */
export async function statusWithin(
  base: string,
  accessToken: string,
  want: number,
  deadlineMs = 5000,
): Promise<number> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const { status } = await callApi(base, accessToken);
    if (status === want || Date.now() > deadline) return status;
    await new Promise((resolvePause) => setTimeout(resolvePause, 20));
  }
}
