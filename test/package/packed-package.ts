import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = join(REPO, 'test/package/fixtures');

/** The output of a finished command; a non-zero exit rejects with stdout and stderr attached. */
export async function sh(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ stdout: string; stderr: string }> {
  return run(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 });
}

/** A scratch directory removed by {@link removeDir}. */
export function scratchDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `sentinel-${label}-`));
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** `npm pack` of this repository (its prepack script builds dist/); the tarball's path. */
export async function packTarball(dir: string): Promise<string> {
  await sh('npm', ['pack', '--silent', '--pack-destination', dir], REPO);
  const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack left no tarball in ${dir}`);
  return join(dir, tarball);
}

/**
 * Copies a fixture app into `dir` and installs its dependencies and the tarball from the npm
 * registry (cached after the first run), as a team would add the package to its app.
 */
export async function installFixture(name: string, dir: string, tarball: string): Promise<string> {
  const app = join(dir, name);
  cpSync(join(FIXTURES, name), app, { recursive: true });
  await sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], app);
  return app;
}

/** Starts `node <script>` and resolves with the process once it printed `listening on <url>`. */
export function startNode(
  script: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; base: string; output: () => string }> {
  const child = spawn(process.execPath, [script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolveStart, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/listening on (\S+)/);
      if (match) resolveStart({ child, base: match[1], output: () => output });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}:\n${output}`)));
  });
}

/** Stops a process started by {@link startNode} and waits for it. */
export async function stopNode(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}
