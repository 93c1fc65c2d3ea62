import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ADMIN } from '../management/management-testing.js';
import {
  buildCli,
  removeCli,
  runCli,
  startCliServer,
  type BuiltCli,
  type CliServer,
} from './cli-testing.js';

/**
 * What scripts rely on (README "Provisioning CLI"): the exit codes, the API's errors as it gave
 * them, credentials from flags or the environment and never printed.
 */
describe('nestjs-sentinel CLI exit codes and errors', () => {
  let cli: BuiltCli;
  let server: CliServer;
  let html: Server;
  let htmlOrigin: string;

  beforeAll(async () => {
    [cli, server] = await Promise.all([buildCli(), startCliServer({})]);
    html = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><p>not an API');
    });
    await new Promise<void>((listening) => html.listen(0, '127.0.0.1', listening));
    htmlOrigin = `http://127.0.0.1:${(html.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    await server?.app.close();
    await new Promise((closed) => html?.close(closed));
    removeCli(cli);
  });

  it('takes the endpoint and credentials from flags as well as from the environment', async () => {
    const result = await runCli(cli, [
      '--endpoint',
      server.endpoint,
      '--admin-user',
      ADMIN.username,
      '--admin-password',
      ADMIN.password,
      '--json',
      'clients',
      'list',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ page: 1, items: [] });
  });

  it('exits 1 with the API error as given for wrong credentials, never echoing them', async () => {
    const wrong = 'not-the-admin-password';
    const env = { ...server.env, SENTINEL_ADMIN_PASSWORD: wrong };
    const human = await runCli(cli, ['users', 'list'], env);
    expect(human.code).toBe(1);
    expect(human.stderr).toBe(
      'nestjs-sentinel: HTTP 401 unauthorized: Management requires valid credentials (HTTP Basic)\n',
    );
    const asJson = await runCli(cli, ['--json', 'users', 'list'], env);
    expect(asJson.code).toBe(1);
    expect(JSON.parse(asJson.stderr)).toEqual({
      error: 'unauthorized',
      message: 'Management requires valid credentials (HTTP Basic)',
    });
    expect(human.stdout + human.stderr + asJson.stdout + asJson.stderr).not.toContain(wrong);
  });

  it('exits 1 with the API error code and field for a refused input', async () => {
    const refused = await runCli(
      cli,
      [
        '--json',
        'clients',
        'create',
        '--name',
        'x',
        '--type',
        'public',
        '--grant-types',
        'client_credentials',
      ],
      server.env,
    );
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stderr)).toMatchObject({
      error: 'invalid_input',
      field: 'grant_types',
    });
    const conflict = await runCli(
      cli,
      ['users', 'create', '--username', 'twice', '--password', 'pw-twice-1'],
      server.env,
    );
    expect(conflict.code).toBe(0);
    const again = await runCli(
      cli,
      ['users', 'create', '--username', 'twice', '--password', 'pw-twice-1'],
      server.env,
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^nestjs-sentinel: HTTP 409 conflict: /);
    expect(again.stdout + again.stderr).not.toContain('pw-twice-1');
  });

  it.each([
    [
      'no endpoint',
      ['users', 'list'],
      {},
      /no endpoint: pass --endpoint <url> or set SENTINEL_ENDPOINT/,
    ],
    ['an unknown command', ['groups', 'list'], 'server', /unknown command 'groups'/],
    [
      'a missing required option',
      ['clients', 'create', '--name', 'x'],
      'server',
      /required option '--type <type>'/,
    ],
    [
      'a bad choice',
      ['clients', 'create', '--name', 'x', '--type', 'secret'],
      'server',
      /Allowed choices are public, confidential/,
    ],
    [
      'revoke with nothing to revoke',
      ['tokens', 'revoke'],
      'server',
      /exactly one of: a token id, --user-id, --client-id/,
    ],
    ['an update with no change', ['users', 'update', 'some-id'], 'server', /nothing to update/],
    [
      'a user without a password',
      ['users', 'create', '--username', 'u'],
      'server',
      /--password-stdin or --password/,
    ],
    [
      'an endpoint that is not a URL',
      ['--endpoint', 'localhost:3000', 'users', 'list'],
      {},
      /must be an http\(s\) URL/,
    ],
  ] as const)('exits 2 on %s', async (_name, args, env, message) => {
    const result = await runCli(cli, [...args], env === 'server' ? server.env : env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
  });

  it('exits 0 for --help and --version, listing the exit codes', async () => {
    const help = await runCli(cli, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes: 0 ok, 1 the API refused');
    expect(await runCli(cli, ['--version'])).toEqual({
      code: 0,
      stdout: '0.0.0-test\n',
      stderr: '',
    });
  });

  it('exits 3 when nothing listens at the endpoint', async () => {
    const closed = createServer();
    await new Promise<void>((listening) => closed.listen(0, '127.0.0.1', listening));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const result = await runCli(cli, ['users', 'list'], {
      ...server.env,
      SENTINEL_ENDPOINT: `http://127.0.0.1:${port}/oauth/management`,
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      `nestjs-sentinel: cannot reach http://127.0.0.1:${port}: ECONNREFUSED\n`,
    );
    expect(result.stderr).not.toContain(ADMIN.password);
  });

  it('exits 4 when the endpoint answers something that is not the management API', async () => {
    const result = await runCli(cli, ['users', 'list'], {
      ...server.env,
      SENTINEL_ENDPOINT: htmlOrigin,
    });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/answered HTTP 200 with a body that is not JSON/);
  });
});
