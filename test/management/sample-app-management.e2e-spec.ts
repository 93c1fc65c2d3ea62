import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { bootstrap } from '../../sample-app/src/main.js';
import { basicAuth } from './management-testing.js';

/** The sample app opens the console at once on the in-memory default (issue 4). */
describe('sample app management console', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const start = async (env: NodeJS.ProcessEnv) => {
    const lines: string[] = [];
    ({ app } = await bootstrap({ PORT: '0', ...env }, (line: string) => lines.push(line)));
    return lines;
  };

  it('generates a password for "admin" and prints the console URL with it', async () => {
    const lines = await start({});
    const url = lines.join('\n').match(/Management console: (\S+)/)![1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/management$/);
    const [, username, password] = lines
      .join('\n')
      .match(/sign in as "(\w+)" with password "(\S+)"/)!;
    expect(username).toBe('admin');
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);

    const page = await fetch(url, { headers: { Authorization: basicAuth(username, password) } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect((await fetch(url)).status).toBe(401);
  });

  it('generates a different password on every start', async () => {
    const first = (await start({})).join('\n').match(/with password "(\S+)"/)![1];
    await app!.close();
    const second = (await start({})).join('\n').match(/with password "(\S+)"/)![1];
    expect(second).not.toBe(first);
  });

  it('uses SENTINEL_MANAGEMENT_* when set and prints no password', async () => {
    const lines = await start({
      SENTINEL_MANAGEMENT_USERNAME: 'ops',
      SENTINEL_MANAGEMENT_PASSWORD: 'chosen-by-ops',
      SENTINEL_MANAGEMENT_URL: '/console',
    });
    const text = lines.join('\n');
    expect(text).not.toContain('chosen-by-ops');
    expect(text).not.toMatch(/with password/);
    const url = text.match(/Management console: (\S+)/)![1];
    expect(url).toMatch(/\/oauth\/console$/);
    const users = await fetch(`${url}/users`, {
      headers: { Authorization: basicAuth('ops', 'chosen-by-ops') },
    });
    expect(users.status).toBe(200);
    const generated = await fetch(`${url}/users`, {
      headers: { Authorization: basicAuth('admin', 'chosen-by-ops') },
    });
    expect(generated.status).toBe(401);
  });
});
