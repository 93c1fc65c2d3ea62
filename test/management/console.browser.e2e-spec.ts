import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ClientStore } from '../../src/storage/client-store.js';
import { ConsentStore } from '../../src/storage/consent-store.js';
import { UserRepository } from '../../src/storage/user-store.js';
import {
  ADMIN,
  BACKENDS,
  MGMT,
  clientAuth,
  managedModule,
  startManagementApp,
} from './management-testing.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = 'test-artifacts/management-console.png';
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

/**
 * The console in a real browser (headless Debian Chromium): everything through the page, with
 * the Basic credentials the browser sends itself; tokens obtained and checked over plain HTTP.
 */
describe.each(BACKENDS)('management console in Chromium on %s', (_name, backend) => {
  let app: INestApplication;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    ({ app } = await startManagementApp(managedModule(backend('mgmt_browser'))));
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    base = base.replace('[::1]', '127.0.0.1');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const bearer = (token: string) =>
    fetch(`${base}/api/me`, { headers: { Authorization: `Bearer ${token}` } }).then(
      (response) => response.status,
    );

  async function openConsole(): Promise<Page> {
    const context = await browser.newContext({
      httpCredentials: { username: ADMIN.username, password: ADMIN.password },
      viewport: { width: 1360, height: 900 },
    });
    const page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    const response = await page.goto(`${base}${MGMT}`);
    expect(response?.status()).toBe(200);
    await page.waitForSelector('body[data-ready="true"]');
    return page;
  }

  it('creates a user and a confidential client, shows the secret, revokes a token', async () => {
    const page = await openConsole();
    const scriptErrors: string[] = [];
    page.on('pageerror', (error) => scriptErrors.push(error.message));
    page.on('console', (message) => {
      // The browser reports every 4xx as a console error; the page's own errors are what count.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        scriptErrors.push(message.text());
      }
    });

    // A user, through the form.
    await page.fill('#user-create [name="username"]', 'browser-user');
    await page.fill('#user-create [name="password"]', 'browser-password');
    await page.fill('#user-create [name="scope"]', 'orders profile');
    await page.click('#user-create button[type="submit"]');
    await page.waitForSelector('tr[data-username="browser-user"]');
    await expect(page.textContent('#alert-text')).resolves.toContain('created');

    // The API's error message, shown in the page, with the field marked.
    await page.fill('#user-create [name="username"]', 'browser-user');
    await page.fill('#user-create [name="password"]', 'another');
    await page.click('#user-create button[type="submit"]');
    await page.waitForSelector('#user-create [name="username"][aria-invalid="true"]');
    expect(await page.textContent('#alert-text')).toBe('username already exists (field: username)');

    // A confidential client; its secret is shown once.
    await page.click('#tab-clients');
    await page.fill('#client-create [name="client_name"]', 'Browser app');
    await page.selectOption('#client-create [name="client_type"]', 'confidential');
    await page.fill('#client-create [name="scope"]', 'orders profile');
    // A redirect URI with a fragment is refused, naming the field (RFC 6749 §3.1.2).
    await page.fill('#client-create [name="redirect_uris"]', 'https://app.example.com/cb#x');
    await page.click('#client-create button[type="submit"]');
    await page.locator('#alert-text', { hasText: '(field: redirect_uris)' }).waitFor();
    await page.fill(
      '#client-create [name="redirect_uris"]',
      'https://app.example.com/cb  com.example.app:/cb',
    );
    await page.click('#client-create button[type="submit"]');
    await page.waitForSelector('#secret:not([hidden])');
    await page.waitForSelector('tr[data-client-name="Browser app"]');
    const clientId = await page.inputValue('#secret-client-id');
    const clientSecret = await page.inputValue('#secret-value');
    expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await page.click('#secret-copy');
    await page.waitForSelector('#secret-copy:text("Copied")');

    // A token over HTTP with the credentials read from the page.
    const issued = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { Authorization: clientAuth(clientId, clientSecret) },
      body: new URLSearchParams({
        grant_type: 'password',
        username: 'browser-user',
        password: 'browser-password',
      }),
    });
    expect(issued.status).toBe(200);
    const token = ((await issued.json()) as { access_token: string }).access_token;
    expect(await bearer(token)).toBe(200);

    // The client's tokens in the page; revoke the one just issued.
    await page.click('#secret-done');
    await page.click('tr[data-client-name="Browser app"] button:text("Manage")');
    await page.waitForSelector('#detail:not([hidden]) tr[data-token-id]');
    expect(await page.inputValue('#detail-form [name="redirect_uris"]')).toBe(
      'https://app.example.com/cb com.example.app:/cb',
    );
    expect(await page.locator('#tokens-rows tr[data-token-id]').count()).toBe(1);
    await expect(page.textContent('#tokens-rows')).resolves.toContain('browser-user');
    await page.click('#tokens-rows tr[data-token-id] button:text("Revoke")');
    await page.waitForSelector('#tokens-rows .badge:text("Revoked")');
    expect(await bearer(token)).toBe(401);

    await page.click('#tab-users');
    await page.click('#tab-clients');
    await page.click('tr[data-client-name="Browser app"] button:text("Manage")');
    await page.waitForSelector('#tokens-rows .badge:text("Revoked")');
    await page.evaluate('window.scrollTo(0, 0)');
    await mkdir('test-artifacts', { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(scriptErrors).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('disables and deletes a user from the page, which revokes their tokens', async () => {
    const page = await openConsole();
    await page.fill('#user-create [name="username"]', 'short-lived');
    await page.fill('#user-create [name="password"]', 'pw-short');
    await page.click('#user-create button[type="submit"]');
    await page.waitForSelector('tr[data-username="short-lived"]');
    await page.click('#tab-clients');
    await page.fill('#client-create [name="client_name"]', 'Kiosk');
    await page.selectOption('#client-create [name="client_type"]', 'public');
    await page.check('#client-create [value="client_credentials"]');
    await page.click('#client-create button[type="submit"]');
    await page.locator('#alert-text', { hasText: '(field: grant_types)' }).waitFor();
    expect(await page.textContent('#alert-text')).toBe(
      'client_credentials is only allowed for confidential clients (field: grant_types)',
    );
    await page.uncheck('#client-create [value="client_credentials"]');
    await page.check('#client-create [name="first_party"]');
    await page.click('#client-create button[type="submit"]');
    await page.waitForSelector('tr[data-client-name="Kiosk"] .badge:text("first-party")');
    await page.screenshot({ path: 'test-artifacts/management-console-clients.png' });
    const clientId = (await page.textContent('#alert-text'))!.match(/client_id (\S+)\.$/)![1];

    const login = () =>
      fetch(`${base}/oauth/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'password',
          client_id: clientId,
          username: 'short-lived',
          password: 'pw-short',
        }),
      });
    const first = ((await (await login()).json()) as { access_token: string }).access_token;
    expect(await bearer(first)).toBe(200);

    // The first-party flag in the client's settings: shown ticked, cleared and saved.
    await page.click('tr[data-client-name="Kiosk"] button:text("Manage")');
    expect(await page.isChecked('#detail-form [name="first_party"]')).toBe(true);
    await page.uncheck('#detail-form [name="first_party"]');
    await page.click('#detail-form button[type="submit"]');
    await page.waitForSelector(
      'tr[data-client-name="Kiosk"]:not(:has(.badge:text("first-party")))',
    );
    expect((await app.get<ClientStore>(ClientStore).findById(clientId))!.firstParty).toBe(false);

    await page.click('#tab-users');
    await page.click('tr[data-username="short-lived"] button:text("Manage")');
    await page.waitForSelector('#detail:not([hidden]) #tokens-rows tr[data-token-id]');
    await page.screenshot({ path: 'test-artifacts/management-console-user.png', fullPage: true });
    await page.check('#detail-form [name="disabled"]');
    await page.click('#detail-form button[type="submit"]');
    await page.waitForSelector('tr[data-username="short-lived"] .badge:text("Disabled")');
    expect(await bearer(first)).toBe(401);
    expect((await login()).status).toBe(400);

    await page.uncheck('#detail-form [name="disabled"]');
    await page.click('#detail-form button[type="submit"]');
    await page.waitForSelector('tr[data-username="short-lived"] .badge:text("Active")');
    const second = ((await (await login()).json()) as { access_token: string }).access_token;
    expect(await bearer(second)).toBe(200);

    await page.click('#detail-actions button:text("Delete user")');
    await page.waitForSelector('#detail', { state: 'hidden' });
    await page.waitForSelector('tr[data-username="short-lived"]', { state: 'detached' });
    expect(await bearer(second)).toBe(401);
    await page.context().close();
  }, 60_000);

  it("lists a user's consents and withdraws one, which revokes that client's tokens", async () => {
    const users = app.get<UserRepository>(UserRepository);
    const clients = app.get<ClientStore>(ClientStore);
    const consents = app.get<ConsentStore>(ConsentStore);
    const user = await users.create({ username: 'consenting', password: 'pw-consenting' });
    const photos = await clients.create({
      clientName: 'Photo printer',
      clientType: 'public',
      grantTypes: ['password', 'refresh_token'],
      scope: 'photos profile',
    });
    const calendar = await clients.create({
      clientName: 'Calendar sync',
      clientType: 'public',
      grantTypes: ['password', 'refresh_token'],
      scope: 'calendar',
    });
    await consents.grant(user.id, photos.client.clientId, ['photos', 'profile']);
    await consents.grant(user.id, calendar.client.clientId, ['calendar']);
    const login = async (clientId: string) => {
      const response = await fetch(`${base}/oauth/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'password',
          client_id: clientId,
          username: 'consenting',
          password: 'pw-consenting',
        }),
      });
      return ((await response.json()) as { access_token: string }).access_token;
    };
    const photoToken = await login(photos.client.clientId);
    const calendarToken = await login(calendar.client.clientId);

    const page = await openConsole();
    const scriptErrors: string[] = [];
    page.on('pageerror', (error) => scriptErrors.push(error.message));
    await page.click('tr[data-username="consenting"] button:text("Manage")');
    const photoRow = `#consents-rows tr[data-consent-client="${photos.client.clientId}"]`;
    await page.waitForSelector(photoRow);
    expect(await page.locator('#consents-rows tr[data-consent-client]').count()).toBe(2);
    await expect(page.textContent(photoRow)).resolves.toContain('Photo printer');
    expect(await page.locator(`${photoRow} .chip`).allTextContents()).toEqual([
      'photos',
      'profile',
    ]);
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({
      path: 'test-artifacts/management-console-consents.png',
      fullPage: true,
    });

    await page.click(`${photoRow} button:text("Withdraw")`);
    await page.waitForSelector(photoRow, { state: 'detached' });
    await expect(page.textContent('#alert-text')).resolves.toBe(
      'Consent to "Photo printer" withdrawn and its tokens revoked.',
    );
    // The tokens table is reloaded: the photo printer's token shows as revoked.
    await page.waitForSelector('#tokens-rows .badge:text("Revoked")');
    expect(await bearer(photoToken)).toBe(401);
    expect(await bearer(calendarToken)).toBe(200);
    expect(await consents.find(user.id, photos.client.clientId)).toBeNull();
    expect(await consents.find(user.id, calendar.client.clientId)).not.toBeNull();

    // A client's detail has no consents section.
    await page.click('#tab-clients');
    await page.click('tr[data-client-name="Photo printer"] button:text("Manage")');
    await page.waitForSelector('#detail:not([hidden])');
    expect(await page.isHidden('#consents-section')).toBe(true);
    expect(scriptErrors).toEqual([]);
    await page.context().close();
  }, 60_000);
});
