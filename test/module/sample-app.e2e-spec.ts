import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { bootstrap } from '../../sample-app/src/main.js';
import { mongoUrl, redisUrl, uniqueDbName } from '../harness/backends.js';

/** The README quick start: the sample app prints a curl line that really yields a token. */
describe('sample app', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('seeds demo data on the in-memory default and prints a working curl line', async () => {
    const lines: string[] = [];
    ({ app } = await bootstrap({ PORT: '0' }, (line: string) => lines.push(line)));
    const curl = lines.find((line) => line.includes('curl -s -X POST'));
    expect(curl).toBeDefined();
    const url = curl!.match(/POST (\S+)/)![1];
    const form = new URLSearchParams(
      [...curl!.matchAll(/-d (\w+)=(\S+)/g)].map((m): [string, string] => [m[1], m[2]]),
    );
    expect([...form.keys()]).toEqual(['grant_type', 'client_id', 'username', 'password']);

    const tokenResponse = await fetch(url, { method: 'POST', body: form });
    expect(tokenResponse.status).toBe(200);
    const token = (await tokenResponse.json()) as { access_token: string; scope: string };
    expect(token.scope).toBe('orders');

    const base = url.replace(/\/oauth\/token$/, '');
    const endpoint = await fetch(`${base}/endpoint`, {
      headers: { Authorization: `Bearer ${token.access_token}` },
    });
    expect(endpoint.status).toBe(200);
    expect(await endpoint.text()).toBe('You made it through and accessed the protected resource!');
    const orders = await fetch(`${base}/orders`, {
      headers: { Authorization: `Bearer ${token.access_token}` },
    });
    expect(orders.status).toBe(200);
    expect(await fetch(`${base}/endpoint`).then((r) => r.status)).toBe(401);
  });

  it('serves the browser demo client at the URL it prints, under a strict CSP', async () => {
    const lines: string[] = [];
    ({ app } = await bootstrap({ PORT: '0' }, (line: string) => lines.push(line)));
    const text = lines.join('\n');
    const password = text.match(/Demo user "demo" \/ "(\S+)"/)![1];
    const [, demo, username, shown] = text.match(
      /open (http:\/\/localhost:\d+\/demo) and sign in as "(\w+)" \/ "(\S+)"/,
    )!;
    expect([username, shown]).toEqual(['demo', password]);
    // Fetched where the app listens; a browser resolves the printed `localhost` there too.
    const base = demo.replace('localhost', '127.0.0.1');
    for (const path of ['', '/callback']) {
      const page = await fetch(`${base}${path}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      const csp = page.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe');
      expect(await page.text()).toContain('<script src="/demo/demo.js" defer></script>');
    }
    const script = await fetch(`${base}/demo.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toContain("code_challenge_method: 'S256'");
  });

  it('reads Flask-Sentinel-style variables and seeds nothing on real stores', async () => {
    const lines: string[] = [];
    ({ app } = await bootstrap(
      {
        PORT: '0',
        MONGO_URL: `${mongoUrl().replace(/\/$/, '')}/${uniqueDbName('sample')}`,
        REDIS_URL: redisUrl(),
        SENTINEL_ROUTE_PREFIX: '/auth',
        SENTINEL_TOKEN_URL: '/issue',
        SENTINEL_TOKEN_EXPIRES_IN: '120',
      },
      (line: string) => lines.push(line),
    ));
    expect(lines.some((line) => line.includes('curl'))).toBe(false);
    expect(lines.some((line) => line.includes('/demo'))).toBe(false);
    const base = lines.join('\n').match(/listening on (\S+)/)![1];
    const response = await fetch(`${base}/auth/issue`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', client_id: 'nope' }),
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_client');
  });
});
