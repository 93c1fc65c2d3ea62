import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BACKENDS, guardStatus } from '../management/management-testing.js';
import {
  buildCli,
  removeCli,
  runCli,
  startCliServer,
  tokenRequest,
  type BuiltCli,
  type CliServer,
} from './cli-testing.js';

/**
 * The built `nestjs-sentinel` bin, run as a child process against a real server: every resource
 * command, `--json` and the human tables, on the in-memory default and on FerretDB + Redis.
 */
describe.each(BACKENDS)('nestjs-sentinel CLI on %s', (label, backend) => {
  let cli: BuiltCli;
  let server: CliServer;
  const sentinel = (args: string[], input?: string) => runCli(cli, args, server.env, input);
  const json = async (args: string[], input?: string) => {
    const result = await sentinel(['--json', ...args], input);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    return JSON.parse(result.stdout) as Record<string, unknown>;
  };

  beforeAll(async () => {
    [cli, server] = await Promise.all([buildCli(), startCliServer(backend(`cli-${label}`))]);
  }, 120_000);

  afterAll(async () => {
    await server?.app.close();
    removeCli(cli);
  });

  it('creates a confidential client and shows its secret once, which works at the token endpoint', async () => {
    const created = await json([
      'clients',
      'create',
      '--name',
      'billing worker',
      '--type',
      'confidential',
      '--grant-types',
      'client_credentials',
      '--scope',
      'orders:read',
    ]);
    expect(created).toMatchObject({
      client_name: 'billing worker',
      client_type: 'confidential',
      grant_types: ['client_credentials'],
      scope: 'orders:read',
    });
    const secret = created.client_secret as string;
    expect(secret.length).toBeGreaterThan(20);
    const token = await tokenRequest(
      server.origin,
      { grant_type: 'client_credentials' },
      {
        id: created.client_id as string,
        secret,
      },
    );
    expect(token.status).toBe(200);

    const shown = await sentinel(['clients', 'get', created.client_id as string]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/client_name\s+billing worker/);
    expect(shown.stdout).not.toContain(secret);
  });

  it('prints a human record with the secret and a one-time note when rotating', async () => {
    const { client_id, client_secret: old } = await json([
      'clients',
      'create',
      '--name',
      'api',
      '--type',
      'confidential',
    ]);
    const rotated = await sentinel(['clients', 'rotate-secret', client_id as string]);
    expect(rotated.code).toBe(0);
    const fresh = /client_secret\s+(\S+)/.exec(rotated.stdout)?.[1];
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(old);
    expect(rotated.stderr).toBe(
      'nestjs-sentinel: client_secret is shown this once: store it now.\n',
    );
  });

  it('creates a user from --password-stdin, never printing the password, and it can sign in', async () => {
    const password = 'a long stdin password';
    const user = await json(
      ['users', 'create', '--username', 'ada', '--password-stdin', '--scope', 'orders'],
      `${password}\n`,
    );
    expect(user).toMatchObject({ username: 'ada', scope: 'orders', disabled: false });
    expect(JSON.stringify(user)).not.toContain(password);
    const { client_id } = await json(['clients', 'create', '--name', 'app', '--type', 'public']);
    const token = await tokenRequest(server.origin, {
      grant_type: 'password',
      client_id: client_id as string,
      username: 'ada',
      password,
    });
    expect(token.status).toBe(200);
  });

  it('lists, gets, updates and deletes users, as a table and as JSON', async () => {
    const user = await json([
      'users',
      'create',
      '--username',
      'grace',
      '--password',
      'pw-grace-123',
    ]);
    const table = await sentinel(['users', 'list', '--username', 'grace']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+USERNAME\s+SCOPE\s+DISABLED\s+CREATED_AT$/);
    expect(lines[1]).toMatch(new RegExp(`^${user.id as string}\\s+grace\\s+-\\s+false\\s+\\d{4}-`));
    expect(lines[2]).toBe('page 1 of 1 (1 total)');

    expect(await json(['users', 'list', '--per-page', '1'])).toMatchObject({
      per_page: 1,
      page: 1,
    });
    expect(await json(['users', 'get', user.id as string])).toEqual(user);
    expect(
      await json(['users', 'update', user.id as string, '--disable', '--scope', 'profile']),
    ).toMatchObject({
      disabled: true,
      scope: 'profile',
    });

    const deleted = await sentinel(['users', 'delete', user.id as string]);
    expect(deleted).toEqual({ code: 0, stdout: `deleted user ${user.id as string}\n`, stderr: '' });
    const gone = await sentinel(['--json', 'users', 'get', user.id as string]);
    expect(gone.code).toBe(1);
    expect(JSON.parse(gone.stderr)).toMatchObject({ error: 'not_found' });
  });

  it('updates and deletes clients', async () => {
    const { client_id } = await json([
      'clients',
      'create',
      '--name',
      'old name',
      '--type',
      'public',
    ]);
    const id = client_id as string;
    expect(
      await json(['clients', 'update', id, '--name', 'new name', '--grant-types', 'password']),
    ).toMatchObject({
      client_name: 'new name',
      grant_types: ['password'],
      first_party: false,
    });
    expect(await json(['clients', 'update', id, '--first-party'])).toMatchObject({
      first_party: true,
    });
    expect(await json(['clients', 'update', id, '--no-first-party'])).toMatchObject({
      first_party: false,
      client_name: 'new name',
    });
    const firstParty = await json([
      'clients',
      'create',
      '--name',
      'own app',
      '--type',
      'public',
      '--first-party',
    ]);
    expect(firstParty).toMatchObject({ client_name: 'own app', first_party: true });
    const list = await json(['clients', 'list', '--per-page', '100']);
    expect((list.items as Array<{ client_id: string }>).map((c) => c.client_id)).toContain(id);
    expect(await sentinel(['--json', 'clients', 'delete', id])).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
    expect((await sentinel(['clients', 'get', id])).code).toBe(1);
  });

  it("lists a user's tokens and revokes one by id, then all of a client's", async () => {
    const password = 'pw-for-tokens-1';
    const user = await json([
      'users',
      'create',
      '--username',
      'tokens-user',
      '--password',
      password,
    ]);
    const { client_id } = await json([
      'clients',
      'create',
      '--name',
      'devices',
      '--type',
      'public',
    ]);
    const signIn = async () =>
      (
        await tokenRequest(server.origin, {
          grant_type: 'password',
          client_id: client_id as string,
          username: 'tokens-user',
          password,
        })
      ).body.access_token as string;
    const [first, second] = [await signIn(), await signIn()];

    const listed = await json(['tokens', 'list', '--user-id', user.id as string]);
    const items = listed.items as Array<{ id: string; revoked: boolean }>;
    expect(items).toHaveLength(2);
    const table = await sentinel(['tokens', 'list', '--client-id', client_id as string]);
    expect(table.stdout).not.toContain(first);
    expect(table.stdout.split('\n')[0]).toMatch(
      /^ID\s+CLIENT_ID\s+USER_ID\s+SCOPE\s+EXPIRES_AT\s+REVOKED$/,
    );

    expect(await guardStatus(server.app, first)).toBe(200);
    const revokedOne = await sentinel(['tokens', 'revoke', items[0].id]);
    expect(revokedOne).toEqual({ code: 0, stdout: `revoked token ${items[0].id}\n`, stderr: '' });
    const statuses = [await guardStatus(server.app, first), await guardStatus(server.app, second)];
    expect(statuses.sort()).toEqual([200, 401]);

    expect(await json(['tokens', 'revoke', '--client-id', client_id as string])).toEqual({
      revoked: 1,
    });
    expect([await guardStatus(server.app, first), await guardStatus(server.app, second)]).toEqual([
      401, 401,
    ]);
  });
});
