import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { escapeHtml, type SignInPageView } from '../../src/index.js';
import {
  TestBrowser,
  authorizePath,
  formsOf,
  headingOf,
  pkcePair,
  startAuthorizationApp,
  type AuthorizationApp,
} from './authorization-testing.js';

const WEB = 'https://app.example.com/callback';

/** A host's own sign-in page: plain HTML, its own stylesheet from its origin, our form fields. */
function hostSignIn(view: SignInPageView): string {
  const hidden = Object.entries(view.form.hidden)
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join('');
  return `<!doctype html><html><head><link rel="stylesheet" href="/brand.css"></head><body>
<h1>Welcome to ACME</h1><p>${escapeHtml(view.clientName)}</p>
<form method="post" action="${escapeHtml(view.form.action)}">${hidden}
<input type="text" name="username"><input type="password" name="password"></form></body></html>`;
}

/**
 * `interaction.templates` (issue 13: Flask-Sentinel let you drop in your own page): a host
 * template replaces one page, keeps the module's headers and form, and a failing template is a
 * logged 500 with the built-in error page, never the host's stack.
 */
describe('replaceable page templates', () => {
  let t: AuthorizationApp;
  let failing: AuthorizationApp;
  let clientId: string;
  let failingClientId: string;

  beforeAll(async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    t = await startAuthorizationApp({ interaction: { templates: { signIn: hostSignIn } } });
    failing = await startAuthorizationApp({
      interaction: {
        templates: {
          consent: () => {
            throw new Error('template bug with a secret in it');
          },
        },
      },
    });
    const client = {
      clientName: 'Reports <beta>',
      clientType: 'public' as const,
      grantTypes: ['authorization_code'],
      scope: 'orders',
      redirectUris: [WEB],
    };
    clientId = (await t.clients.create(client)).client.clientId;
    failingClientId = (await failing.clients.create(client)).client.clientId;
    await t.users.create({ username: 'ada', password: 'correct horse battery' });
    await failing.users.create({ username: 'ada', password: 'correct horse battery' });
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await t?.close();
    await failing?.close();
  });

  it('serves the host’s page with the module’s headers, and its form works', async () => {
    const browser = new TestBrowser(t.app);
    const page = await browser.follow(authorizePath(clientId, WEB, pkcePair().challenge));
    expect(page.status).toBe(200);
    expect(headingOf(page)).toBe('Welcome to ACME');
    expect(page.text).toContain('Reports &lt;beta&gt;');
    expect(page.headers['content-security-policy']).toContain("style-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const [form] = formsOf(page.text);
    expect(form.fields.csrf_token).toEqual(expect.any(String));
    const posted = await browser.post(form.action, {
      ...form.fields,
      username: 'ada',
      password: 'correct horse battery',
    });
    expect(posted.status).toBe(303);
    // The other pages stay built in.
    const consent = await browser.follow(posted.headers.location);
    expect(headingOf(consent)).toMatch(/wants to access your account/);
  });

  it('a template that throws is a 500 with the built-in error page', async () => {
    const browser = new TestBrowser(failing.app);
    const page = await browser.follow(authorizePath(failingClientId, WEB, pkcePair().challenge));
    const [form] = formsOf(page.text);
    const posted = await browser.post(form.action, {
      ...form.fields,
      username: 'ada',
      password: 'correct horse battery',
    });
    const consent = await browser.follow(posted.headers.location);
    expect(consent.status).toBe(500);
    expect(headingOf(consent)).toBe('Something went wrong');
    expect(consent.text).not.toContain('secret');
  });
});
