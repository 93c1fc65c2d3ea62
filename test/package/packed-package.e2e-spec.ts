import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { mongoUrl, redisUrl, uniqueDbName, uniqueKeyPrefix } from '../harness/backends.js';
import {
  installFixture,
  packTarball,
  removeDir,
  scratchDir,
  sh,
  startNode,
  stopNode,
} from './packed-package.js';

/**
 * The packed tarball (`npm pack`), installed into two fresh apps as a team would: a NestJS 11
 * CommonJS app running its standard Jest + ts-jest e2e test (in memory and in resource-server
 * mode, without mongoose), and a NestJS 12 ES module app on MongoDB and Redis.
 */
describe('the packed package in fixture apps', () => {
  let dir: string;
  let cjsApp: string;
  let esmApp: string;
  let server: ChildProcess | undefined;

  beforeAll(async () => {
    dir = scratchDir('fixtures');
    const tarball = await packTarball(dir);
    [cjsApp, esmApp] = await Promise.all([
      installFixture('nest11-cjs', dir, tarball),
      installFixture('nest12-esm', dir, tarball),
    ]);
  }, 600_000);

  afterAll(async () => {
    await stopNode(server);
    removeDir(dir);
  });

  it('ships LICENSE and source maps whose sources are in the package', () => {
    const installed = join(cjsApp, 'node_modules', 'nestjs-sentinel');
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toContain('BSD 3-Clause License');
    const maps = (readdirSync(join(installed, 'dist'), { recursive: true }) as string[])
      .filter((file) => file.endsWith('.map'))
      .map((file) => join(installed, 'dist', file));
    expect(maps.length).toBeGreaterThan(100);
    const missing = maps.flatMap((map) => {
      const { sources } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] };
      return sources.map((source) => resolve(dirname(map), source)).filter((f) => !existsSync(f));
    });
    expect(missing).toEqual([]);
  });

  it('installs the nestjs-sentinel bin, which runs from the package in both apps', async () => {
    const { version } = JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as {
      version: string;
    };
    for (const app of [cjsApp, esmApp]) {
      const { stdout } = await sh(
        join(app, 'node_modules/.bin/nestjs-sentinel'),
        ['--version'],
        app,
      );
      expect(stdout).toBe(`${version}\n`);
    }
  });

  it('gives import and require one copy of every class and token', async () => {
    const script = [
      "import 'reflect-metadata';",
      "import { createRequire } from 'node:module';",
      "import * as esm from 'nestjs-sentinel';",
      "const cjs = createRequire(import.meta.url)('nestjs-sentinel');",
      'const names = Object.keys(cjs);',
      'const same = names.filter((name) => esm[name] === cjs[name]);',
      'console.log(JSON.stringify({ names: names.length, same: same.length }));',
    ].join('\n');
    const { stdout } = await sh('node', ['--input-type=module', '-e', script], esmApp);
    const { names, same } = JSON.parse(stdout) as { names: number; same: number };
    expect(names).toBeGreaterThan(25);
    expect(same).toBe(names);
  });

  it('NestJS 11 CommonJS: the standard Jest e2e test passes against the package', async () => {
    const { stdout, stderr } = await sh(
      'npx',
      ['jest', '--config', './test/jest-e2e.json'],
      cjsApp,
      {
        ...process.env,
        REDIS_URL: redisUrl(),
      },
    );
    expect(`${stdout}${stderr}`).toMatch(/Tests:\s+3 passed, 3 total/);
  }, 300_000);

  it('NestJS 12 ES module: a token from MongoDB-backed storage opens a guarded route', async () => {
    await sh('npx', ['tsc', '-p', 'tsconfig.json'], esmApp);
    const password = 'fixture-management-password';
    const started = await startNode(join('dist', 'main.js'), esmApp, {
      ...process.env,
      MONGO_URL: mongoUrl(),
      MONGO_DB: uniqueDbName('fixture_esm'),
      REDIS_URL: redisUrl(),
      KEY_PREFIX: uniqueKeyPrefix('fixture-esm'),
      SENTINEL_MANAGEMENT_USERNAME: 'admin',
      SENTINEL_MANAGEMENT_PASSWORD: password,
    });
    server = started.child;
    const { base } = started;
    const management = async (path: string, body: object) => {
      const response = await fetch(`${base}/oauth/management${path}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`,
        },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(201);
      return (await response.json()) as Record<string, string>;
    };
    await management('/users', { username: 'ada', password: 'pw-123456', scope: 'read' });
    const client = await management('/clients', {
      client_name: 'fixture',
      client_type: 'public',
      scope: 'read',
    });
    const token = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: client.client_id,
        username: 'ada',
        password: 'pw-123456',
      }),
    });
    expect(token.status).toBe(200);
    const { access_token } = (await token.json()) as { access_token: string };
    const hello = await fetch(`${base}/hello`, {
      headers: { Authorization: `Bearer ${access_token}` },
    });
    expect(hello.status).toBe(200);
    expect(await hello.json()).toMatchObject({ client_id: client.client_id, scope: ['read'] });
    expect((await fetch(`${base}/hello`)).status).toBe(401);
  }, 120_000);
});
