import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { displayUserCode } from '../../src/device/user-code.js';
import type { SentinelClient } from '../../src/storage/client-store.js';
import {
  startAuthorizationApp,
  type AuthorizationApp,
} from '../authorization/authorization-testing.js';
import { createDeviceCode, decisionOf, deviceClientGrants } from './device-testing.js';

/** What the page functions below read in the browser (this file is compiled without the DOM lib). */
declare const document: { activeElement: { id: string } | null };

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
const PASSWORD = 'correct horse battery';

/**
 * The person's side of the device flow in a real browser (headless Debian Chromium, issue 14):
 * the page opened at `verification_uri_complete`, the pre-filled code confirmed, the built-in
 * sign-in, the confirmation naming the client, scopes and time, then Allow or Deny — with no
 * script errors or CSP violations on the way (RFC 8628 §3.3, docs/security.md 28, 33).
 */
describe('device verification in Chromium', () => {
  let t: AuthorizationApp;
  let browser: Browser;
  let base: string;
  let client: SentinelClient;
  let userId: string;

  beforeAll(async () => {
    t = await startAuthorizationApp({
      interaction: {
        scopeDescriptions: { orders: 'See your orders', profile: 'See your profile' },
      },
    });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    userId = (
      await t.users.create({ username: 'ada', password: PASSWORD, scope: 'orders profile' })
    ).id;
    ({ client } = await t.clients.create({
      clientName: 'Living-room TV',
      clientType: 'public',
      grantTypes: deviceClientGrants(t.app),
      scope: 'orders profile',
    }));
    await mkdir(SCREENSHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function openTab(): Promise<{ page: Page; errors: string[] }> {
    const page = await (await browser.newContext()).newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        errors.push(message.text());
      }
    });
    return { page, errors };
  }

  /** verification_uri_complete → Continue → sign in: ends on the confirmation page. */
  async function toConfirmation(page: Page, userCode: string, shots: boolean): Promise<void> {
    const response = await page.goto(`${base}/oauth/device?user_code=${displayUserCode(userCode)}`);
    expect(response?.status()).toBe(200);
    await expect(page.textContent('h1')).resolves.toBe('Connect a device');
    expect(await page.inputValue('#user_code')).toBe(displayUserCode(userCode));
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('user_code');
    if (shots) await page.screenshot({ path: `${SCREENSHOTS}/device-code-entry.png` });

    await Promise.all([
      page.waitForURL(/\/oauth\/device\/[\w-]{43}$/),
      page.click('text=Continue'),
    ]);
    await expect(page.textContent('h1')).resolves.toBe('Sign in');
    await expect(page.textContent('.lead')).resolves.toBe('to continue to Living-room TV');
    if (shots) await page.screenshot({ path: `${SCREENSHOTS}/device-sign-in.png` });
    await page.fill('#username', 'ada');
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
  }

  it('opens verification_uri_complete, signs in, confirms and approves', async () => {
    const created = await createDeviceCode(t, client.clientId, ['orders', 'profile']);
    t.clock.advanceSeconds(120);
    const { page, errors } = await openTab();
    await toConfirmation(page, created.userCode, true);

    await expect(page.textContent('h1')).resolves.toBe(
      'Living-room TV on your device wants to access your account',
    );
    await expect(page.textContent('.device-code')).resolves.toBe(
      `Requested 2 minutes ago with the code ${displayUserCode(created.userCode)}`,
    );
    await expect(page.locator('.scopes li').allTextContents()).resolves.toEqual([
      'See your ordersorders',
      'See your profileprofile',
    ]);
    expect(await decisionOf(t, created)).toBeNull();
    await page.screenshot({ path: `${SCREENSHOTS}/device-confirm.png`, fullPage: true });

    await Promise.all([page.waitForNavigation(), page.click('button:text-is("Allow")')]);
    await expect(page.textContent('h1')).resolves.toBe('Done — go back to your device');
    await page.screenshot({ path: `${SCREENSHOTS}/device-done.png` });
    expect(await decisionOf(t, created)).toEqual({
      outcome: 'approved',
      userId,
      scope: 'orders profile',
    });
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('records a denial when the person presses Deny', async () => {
    const created = await createDeviceCode(t, client.clientId);
    const { page, errors } = await openTab();
    await toConfirmation(page, created.userCode, false);
    await Promise.all([page.waitForNavigation(), page.click('button:text-is("Deny")')]);
    await expect(page.textContent('h1')).resolves.toBe('You denied access');
    await page.screenshot({ path: `${SCREENSHOTS}/device-denied.png` });
    expect(await decisionOf(t, created)).toEqual({ outcome: 'denied' });
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('shows a wrong code on the page, announced, and keeps what was typed', async () => {
    const { page, errors } = await openTab();
    await page.goto(`${base}/oauth/device`);
    await page.fill('#user_code', 'bbbb bbbb');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await expect(page.textContent('[role="alert"]')).resolves.toBe(
      'That code was not found. Check the code on your device and try again.',
    );
    expect(await page.inputValue('#user_code')).toBe('bbbb bbbb');
    await page.screenshot({ path: `${SCREENSHOTS}/device-code-wrong.png` });
    expect(errors).toEqual([]);
    await page.context().close();
  }, 60_000);
});
