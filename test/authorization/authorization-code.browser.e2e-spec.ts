import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DemoClient } from '../../sample-app/src/demo/demo-client.js';
import { bootstrap } from '../../sample-app/src/main.js';
import { SIGN_IN_FAILED } from '../../src/interaction/interaction.controller.js';
import { COOKIE_NAME } from './authorization-testing.js';

/** What the page functions below read in the browser (this file is compiled without the DOM lib). */
declare const document: { activeElement: { id: string } | null };
declare const sessionStorage: { getItem(key: string): string | null };

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = 'test-artifacts';
const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A page and the script errors and CSP violations seen on it. */
interface Tab {
  page: Page;
  errors: string[];
}

/**
 * The authorization code flow with PKCE in a real browser (headless Debian Chromium), as a
 * newcomer tries it: the sample app's demo client page at the URL `npm start` prints, the
 * built-in sign-in and consent pages, and back to the demo's callback, which redeems the code
 * and shows what the protected route answered (issue 13, docs/security.md 23–35).
 */
describe('authorization code flow in Chromium, from the sample app demo', () => {
  let app: INestApplication;
  let browser: Browser;
  let demoUrl: string;
  let username: string;
  let password: string;

  beforeAll(async () => {
    const lines: string[] = [];
    ({ app } = await bootstrap({ PORT: '0' }, (line: string) => lines.push(line)));
    [, demoUrl, username, password] = lines
      .join('\n')
      .match(/open (http:\/\/localhost:\d+\/demo) and sign in as "(\w+)" \/ "(\S+)"/)!;
    await mkdir(SCREENSHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function openTab(context?: BrowserContext): Promise<Tab> {
    const page = await (context ?? (await browser.newContext())).newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      // The browser reports every 4xx as a console error (the wrong password's 401 page);
      // script errors and CSP violations ("Refused to …") are what count.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        errors.push(message.text());
      }
    });
    return { page, errors };
  }

  /** Demo page → "Sign in": ends on the authorization server's interaction pages. */
  async function startSignIn(page: Page): Promise<void> {
    const response = await page.goto(demoUrl);
    expect(response?.status()).toBe(200);
    await page.waitForSelector('#sign-in:enabled');
    await Promise.all([page.waitForURL(/\/oauth\/interaction\//), page.click('#sign-in')]);
  }

  async function signIn(page: Page, secret: string): Promise<void> {
    await page.fill('#username', username);
    await page.fill('#password', secret);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
  }

  async function answerConsent(page: Page, decision: 'Allow' | 'Deny'): Promise<void> {
    await Promise.all([
      page.waitForURL(/\/demo\/callback/),
      page.click(`button:text-is("${decision}")`),
    ]);
    await page.waitForSelector('body[data-result]:not([data-result="working"])');
  }

  const isConsentPage = async (page: Page) =>
    (await page.locator('h1', { hasText: 'wants to access your account' }).count()) === 1;

  it('signs in, consents, redeems the code and shows the protected route’s answer', async () => {
    const { page, errors } = await openTab();
    await page.goto(demoUrl);
    await page.screenshot({ path: `${SCREENSHOTS}/authorization-demo.png` });
    await startSignIn(page);
    await expect(page.textContent('h1')).resolves.toBe('Sign in');
    await expect(page.textContent('.lead')).resolves.toBe('to continue to Demo web app');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('username');
    await page.screenshot({ path: `${SCREENSHOTS}/authorization-sign-in.png` });

    await signIn(page, password);
    expect(await isConsentPage(page)).toBe(true);
    await expect(page.textContent('.scopes li')).resolves.toBe('See your ordersorders');
    await page.screenshot({ path: `${SCREENSHOTS}/authorization-consent.png` });

    const tokenResponse = page.waitForResponse((r) => r.url().endsWith('/oauth/token'));
    await answerConsent(page, 'Allow');
    const token = (await (await tokenResponse).json()) as Record<string, unknown>;
    expect(token).toMatchObject({ token_type: 'Bearer', scope: 'orders', expires_in: 3600 });
    expect(await page.getAttribute('body', 'data-result')).toBe('done');
    await expect(page.textContent('#done h1')).resolves.toContain('You are signed in');
    const shown = JSON.parse((await page.textContent('#resource'))!) as Record<string, unknown>;
    expect(shown).toEqual({
      user_id: expect.any(String),
      client_id: app.get(DemoClient).clientId,
      scope: ['orders'],
      orders: [],
    });
    await expect(page.textContent('#resource-status')).resolves.toBe('200 OK');
    await expect(page.textContent('#expires-in')).resolves.toBe('3600 seconds');
    await expect(page.textContent('#scope')).resolves.toBe('orders');
    // Neither token is printed, and the code is gone from the address bar.
    const html = await page.content();
    expect(html).not.toContain(token.access_token as string);
    expect(html).not.toContain(token.refresh_token as string);
    expect(page.url()).toBe(`${demoUrl}/callback`);
    await page.screenshot({ path: `${SCREENSHOTS}/authorization-callback.png`, fullPage: true });

    // The session cookie, as the browser keeps it (docs/security.md 26).
    const cookies = await page.context().cookies();
    expect(cookies.filter((cookie) => cookie.name === COOKIE_NAME)).toEqual([
      expect.objectContaining({
        httpOnly: true,
        sameSite: 'Lax',
        path: '/oauth',
        secure: false,
        domain: 'localhost',
        expires: -1,
      }),
    ]);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('skips sign-in the second time (session) but asks consent again (loopback redirect)', async () => {
    const context = await browser.newContext();
    const { page, errors } = await openTab(context);
    await startSignIn(page);
    await signIn(page, password);
    await answerConsent(page, 'Allow');
    expect(await page.getAttribute('body', 'data-result')).toBe('done');

    await Promise.all([page.waitForURL(demoUrl), page.click('#again')]);
    await startSignIn(page);
    // Signed in already: straight to consent. A public client redirecting to a loopback
    // address is asked every time, remembered consent or not (consent-policy.ts, RFC 8252 §8.6).
    expect(await isConsentPage(page)).toBe(true);
    expect(await page.locator('#password').count()).toBe(0);
    await expect(page.textContent('.lead')).resolves.toBe(`Signed in as ${username}`);
    await answerConsent(page, 'Allow');
    expect(await page.getAttribute('body', 'data-result')).toBe('done');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('ends at the demo with access_denied when the person denies', async () => {
    const { page, errors } = await openTab();
    await startSignIn(page);
    await signIn(page, password);
    const tokenRequests: string[] = [];
    page.on(
      'request',
      (r) => void (r.url().endsWith('/oauth/token') && tokenRequests.push(r.url())),
    );
    await answerConsent(page, 'Deny');
    expect(await page.getAttribute('body', 'data-result')).toBe('failed');
    await expect(page.textContent('h1#failed-title')).resolves.toBe('Access denied');
    await expect(page.textContent('[role="alert"]:visible')).resolves.toBe(
      'You chose Deny, so Demo web app got no access to your account.',
    );
    await expect(page.textContent('#failed-detail')).resolves.toContain('error=access_denied');
    expect(tokenRequests).toEqual([]);
    await page.screenshot({ path: `${SCREENSHOTS}/authorization-denied.png` });
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('ignores an answer with a state it did not send, or from another issuer', async () => {
    const { page, errors } = await openTab();
    const tokenRequests: string[] = [];
    page.on(
      'request',
      (r) => void (r.url().endsWith('/oauth/token') && tokenRequests.push(r.url())),
    );
    const callback = `${demoUrl}/callback`;
    const forged = new URLSearchParams({
      code: 'forged',
      state: 'forged',
      iss: new URL(demoUrl).origin,
    });
    await page.goto(`${callback}?${forged}`);
    await page.waitForSelector('body[data-result="failed"]');
    await expect(page.textContent('#failed-detail')).resolves.toContain(
      'The state parameter did not match',
    );

    // A real state, an answer claiming another issuer (a mix-up, RFC 9207 §2.4).
    await startSignIn(page);
    const saved = await page.evaluate(() => sessionStorage.getItem('sentinel-demo-request'));
    const { state } = JSON.parse(saved!) as { state: string };
    const mixedUp = new URLSearchParams({ code: 'forged', state, iss: 'https://evil.example' });
    await page.goto(`${callback}?${mixedUp}`);
    await page.waitForSelector('body[data-result="failed"]');
    await expect(page.textContent('#failed-detail')).resolves.toContain(
      'The iss parameter did not match',
    );
    expect(tokenRequests).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('shows a wrong password on the sign-in page, announced, and signs in on the next try', async () => {
    const { page, errors } = await openTab();
    await startSignIn(page);
    await signIn(page, 'not-the-password');
    const alert = page.locator('[role="alert"]');
    await expect(alert.textContent()).resolves.toBe(SIGN_IN_FAILED);
    expect(await page.getAttribute('#password', 'aria-describedby')).toBe(
      await alert.getAttribute('id'),
    );
    // The username is kept and the password field has the focus: type and submit again.
    expect(await page.inputValue('#username')).toBe(username);
    expect(await page.inputValue('#password')).toBe('');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
    await page.screenshot({ path: `${SCREENSHOTS}/authorization-sign-in-error.png` });

    await page.keyboard.type(password);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await isConsentPage(page)).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);
});
