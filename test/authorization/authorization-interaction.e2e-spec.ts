import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { digest } from '../../src/crypto/digest.js';
import { SIGN_IN_FAILED, SIGN_IN_LOCKED } from '../../src/interaction/interaction.controller.js';
import type { SentinelClient } from '../../src/storage/client-store.js';
import { callApi } from '../module/module-testing.js';
import {
  COMBINATIONS,
  COOKIE_NAME,
  TestBrowser,
  answerOf,
  authorizePath,
  formsOf,
  headingOf,
  pkcePair,
  redeemCode,
  startAuthorizationApp,
  submitConsent,
  submitSignIn,
  type AuthorizationApp,
} from './authorization-testing.js';

const WEB = 'https://app.example.com/callback';
const NATIVE = 'http://127.0.0.1:7000/callback';
const PASSWORD = 'correct horse battery';

/**
 * The interaction pages between `/authorize` and the answer: sign-in (docs/security.md 26, 29),
 * consent (30), prompt (31), CSRF (27), page headers (28), and the answer itself.
 */
describe.each(COMBINATIONS)('sign-in and consent on %s', (_name, backend, platform) => {
  let t: AuthorizationApp;
  let web: SentinelClient;
  let native: SentinelClient;
  let firstParty: SentinelClient;
  let userId: string;
  let n = 0;

  beforeAll(async () => {
    t = await startAuthorizationApp(backend('authz-pages'), platform);
    userId = (
      await t.users.create({ username: 'ada', password: PASSWORD, scope: 'orders profile' })
    ).id;
    await t.users.create({ username: 'off', password: PASSWORD, disabled: true });
    const create = (overrides: Partial<Parameters<typeof t.clients.create>[0]>) =>
      t.clients
        .create({
          clientName: 'Orders web',
          clientType: 'confidential',
          grantTypes: ['authorization_code', 'refresh_token'],
          scope: 'orders profile',
          redirectUris: [WEB],
          ...overrides,
        })
        .then(({ client }) => client);
    web = await create({});
    native = await create({
      clientName: 'Orders app',
      clientType: 'public',
      redirectUris: [NATIVE],
    });
    firstParty = await create({ clientName: 'Our own app', firstParty: true });
  });

  afterAll(async () => {
    await t?.close();
  });

  /** A fresh username per test, so lockouts never leak between tests. */
  async function newUser(): Promise<{ username: string; id: string }> {
    const username = `user${++n}`;
    const user = await t.users.create({ username, password: PASSWORD });
    return { username, id: user.id };
  }

  /** Starts an authorization in `browser` and returns the first page it shows. */
  function start(browser: TestBrowser, client: SentinelClient, extra: Record<string, string> = {}) {
    const redirect = client.redirectUris[0];
    return browser.follow(authorizePath(client.clientId, redirect, pkcePair().challenge, extra));
  }

  /** Signs `username` in within `browser`, through one authorization; returns the next page. */
  async function signIn(browser: TestBrowser, client: SentinelClient, username: string) {
    const page = await start(browser, client);
    expect(headingOf(page)).toBe('Sign in');
    const posted = await submitSignIn(browser, page, username, PASSWORD);
    expect(posted.status).toBe(303);
    return browser.follow(posted.headers.location);
  }

  describe('the pages’ headers (docs/security.md 28)', () => {
    it('no-store, no referrer, never framed, no script', async () => {
      const page = await start(new TestBrowser(t.app), web);
      expect(page.status).toBe(200);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(page.headers['x-frame-options']).toBe('DENY');
      const csp = page.headers['content-security-policy'] as string;
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain('script-src');
      expect(csp).toContain("form-action 'self' https://app.example.com");
      expect(page.text).not.toContain('<script');
    });

    it('escapes the client name (no stored XSS)', async () => {
      const { client } = await t.clients.create({
        clientName: '<img src=x onerror=alert(1)>"',
        clientType: 'public',
        grantTypes: ['authorization_code'],
        scope: 'orders',
        redirectUris: [WEB],
      });
      const page = await start(new TestBrowser(t.app), client);
      expect(page.text).not.toContain('<img src=x');
      expect(page.text).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;');
    });
  });

  describe('cookies and sessions (docs/security.md 26)', () => {
    it('HttpOnly, SameSite=Lax, scoped to the prefix, not Secure on http; renewed at sign-in', async () => {
      const browser = new TestBrowser(t.app);
      const page = await start(browser, web);
      const [cookie] = page.headers['set-cookie'] as unknown as string[];
      expect(cookie).toMatch(new RegExp(`^${COOKIE_NAME}=[A-Za-z0-9_-]{43}; `));
      expect(cookie).toContain('Path=/oauth');
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('SameSite=Lax');
      expect(cookie).not.toContain('Secure');
      const before = browser.cookie;
      const { username } = await newUser();
      const posted = await submitSignIn(browser, page, username, PASSWORD);
      expect(posted.status).toBe(303);
      expect(browser.cookie).toBeDefined();
      expect(browser.cookie).not.toBe(before);
    });

    it('a session signs the browser in for the next request, and is stored as a digest', async () => {
      const browser = new TestBrowser(t.app);
      const { username } = await newUser();
      const consent = await signIn(browser, web, username);
      expect(headingOf(consent)).toMatch(/wants to access your account/);
      const again = await start(browser, web);
      expect(headingOf(again)).toMatch(/wants to access your account/);
      if (t.redis !== null) {
        const key = `${t.options.keyPrefix}session:${digest(browser.cookie!)}`;
        expect(await t.redis.exists(key)).toBe(1);
        expect(await t.redis.exists(`${t.options.keyPrefix}session:${browser.cookie}`)).toBe(0);
        const ttl = await t.redis.pttl(key);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(t.options.interaction.sessionIdleTtl * 1000);
      }
    });

    it('sign-out deletes the session server-side: the old cookie signs in nobody', async () => {
      const browser = new TestBrowser(t.app);
      const { username } = await newUser();
      await signIn(browser, web, username);
      const stolen = browser.cookie!;
      const signOutPage = await browser.get('/oauth/interaction/sign-out');
      expect(headingOf(signOutPage)).toBe('Sign out?');
      const [form] = formsOf(signOutPage.text);
      const signedOut = await browser.post(form.action, form.fields);
      expect(signedOut.status).toBe(200);
      expect(headingOf(signedOut)).toBe('You are signed out');
      expect(browser.cookie).toBeUndefined();
      const replay = new TestBrowser(t.app);
      replay.cookie = stolen;
      expect(headingOf(await start(replay, web))).toBe('Sign in');
    });

    it('the absolute lifetime ends a session however active it is', async () => {
      const browser = new TestBrowser(t.app);
      const { username } = await newUser();
      await signIn(browser, web, username);
      t.clock.advanceSeconds(t.options.interaction.sessionTtl + 1);
      expect(headingOf(await start(browser, web))).toBe('Sign in');
      t.clock.advanceSeconds(-(t.options.interaction.sessionTtl + 1));
    });
  });

  describe('sign-in is the password grant’s twin (docs/security.md 29)', () => {
    it('one wording for a wrong password, an unknown user and a disabled user', async () => {
      const { username } = await newUser();
      for (const [name, password] of [
        [username, 'wrong password'],
        ['nobody-here', PASSWORD],
        ['off', PASSWORD],
      ]) {
        const browser = new TestBrowser(t.app);
        const page = await start(browser, web);
        const refused = await submitSignIn(browser, page, name, password);
        expect(refused.status).toBe(401);
        expect(refused.text).toContain(SIGN_IN_FAILED);
        expect(refused.text).toContain('role="alert"');
        expect(refused.text).not.toContain(password);
        expect(browser.cookie).not.toBeUndefined();
      }
    });

    it('the same lockout as the password grant: then even the right password gets 429 with Retry-After', async () => {
      const { username } = await newUser();
      const browser = new TestBrowser(t.app);
      let page = await start(browser, web);
      // 5 free failures; the sixth is still checked and locks the account (ADR 0007).
      for (let i = 0; i < 6; i++) {
        page = await submitSignIn(browser, page, username, 'wrong');
        expect(page.status).toBe(401);
      }
      const locked = await submitSignIn(browser, page, username, PASSWORD);
      expect(locked.status).toBe(429);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(locked.text).toContain(SIGN_IN_LOCKED);
    });

    it('asks for both fields', async () => {
      const browser = new TestBrowser(t.app);
      const page = await start(browser, web);
      const refused = await submitSignIn(browser, page, '', '');
      expect(refused.status).toBe(400);
      expect(refused.text).toContain('Enter your username and password.');
    });
  });

  describe('CSRF on every form (docs/security.md 27)', () => {
    it('refuses a sign-in post without the token, with another browser’s token, or from another origin', async () => {
      const { username } = await newUser();
      const browser = new TestBrowser(t.app);
      const page = await start(browser, web);
      const [form] = formsOf(page.text);
      const credentials = { username, password: PASSWORD };

      const missing = await browser.post(form.action, credentials);
      expect(missing.status).toBe(403);

      const other = new TestBrowser(t.app);
      await start(other, web);
      const foreign = await other.post(form.action, { ...form.fields, ...credentials });
      expect(foreign.status).toBe(403);

      for (const headers of [
        { Origin: 'https://evil.example' } as Record<string, string>,
        { 'Sec-Fetch-Site': 'cross-site' },
      ]) {
        const crossSite = await browser.post(
          form.action,
          { ...form.fields, ...credentials },
          headers,
        );
        expect(crossSite.status).toBe(403);
      }
      expect(browser.cookie).toBeDefined();
      // Still usable by its own browser, from its own origin.
      const ok = await browser.post(
        form.action,
        { ...form.fields, ...credentials },
        { 'Sec-Fetch-Site': 'same-origin', Origin: 'null' },
      );
      expect(ok.status).toBe(303);
    });

    it('refuses a consent post whose token is from before the sign-in', async () => {
      const { username } = await newUser();
      const browser = new TestBrowser(t.app);
      const page = await start(browser, web);
      const [signInForm] = formsOf(page.text);
      await submitSignIn(browser, page, username, PASSWORD);
      const consentPath = signInForm.action.replace(/sign-in$/, 'consent');
      const stale = await browser.post(consentPath, { ...signInForm.fields, decision: 'allow' });
      expect(stale.status).toBe(403);
    });
  });

  describe('consent (docs/security.md 30)', () => {
    it('names the client, the user and every scope; Deny answers access_denied at the client', async () => {
      const browser = new TestBrowser(t.app);
      const { username } = await newUser();
      const page = await start(browser, web, { scope: 'orders profile' });
      const consent = await browser.follow(
        (await submitSignIn(browser, page, username, PASSWORD)).headers.location,
      );
      expect(consent.text).toContain('Orders web');
      expect(consent.text).toContain(username);
      expect(consent.text).toContain('>orders<');
      expect(consent.text).toContain('>profile<');
      expect(consent.text).toContain('app.example.com');
      const denied = await submitConsent(browser, consent, 'deny');
      expect(denied.status).toBe(303);
      expect(answerOf(denied.headers.location)).toMatchObject({
        error: 'access_denied',
        state: 'state-1',
        iss: expect.any(String),
      });
    });

    it('is remembered per (user, client, scopes); a new scope is asked for; withdrawal asks again', async () => {
      const browser = new TestBrowser(t.app);
      const user = await newUser();
      const consent = await signIn(browser, web, user.username);
      const allowed = await submitConsent(browser, consent, 'allow');
      expect(answerOf(allowed.headers.location).code).toBeDefined();

      const remembered = await start(browser, web);
      expect(remembered.status).toBe(303);
      expect(answerOf(remembered.headers.location).code).toBeDefined();

      const wider = await start(browser, web, { scope: 'orders profile' });
      expect(headingOf(wider)).toMatch(/wants to access/);
      expect(wider.text).toMatch(/profile<\/span><span class="new">new<\/span>/);

      expect((await t.consents.find(user.id, web.clientId))?.scope).toBe('orders');
      await t.consents.revoke(user.id, web.clientId);
      expect(headingOf(await start(browser, web))).toMatch(/wants to access/);
    });

    it('prompt=consent asks even when remembered', async () => {
      const browser = new TestBrowser(t.app);
      const user = await newUser();
      await submitConsent(browser, await signIn(browser, web, user.username), 'allow');
      expect(headingOf(await start(browser, web, { prompt: 'consent' }))).toMatch(
        /wants to access/,
      );
    });

    it('a public client redirecting to a native app is asked every time (RFC 8252 §8.6)', async () => {
      const browser = new TestBrowser(t.app);
      const user = await newUser();
      const consent = await signIn(browser, native, user.username);
      await submitConsent(browser, consent, 'allow');
      expect(headingOf(await start(browser, native))).toMatch(/wants to access/);
    });

    it('a first-party client is not asked', async () => {
      const browser = new TestBrowser(t.app);
      const user = await newUser();
      const page = await start(browser, firstParty);
      const posted = await submitSignIn(browser, page, user.username, PASSWORD);
      const answered = await browser.follow(posted.headers.location);
      expect(answered.status).toBe(303);
      expect(answerOf(answered.headers.location).code).toBeDefined();
    });

    it('a request is answered once: a second Allow on the same page is refused', async () => {
      const browser = new TestBrowser(t.app);
      const user = await newUser();
      const consent = await signIn(browser, web, user.username);
      expect((await submitConsent(browser, consent, 'allow')).status).toBe(303);
      const again = await submitConsent(browser, consent, 'allow');
      expect(again.status).toBe(400);
      expect(again.headers.location).toBeUndefined();
    });
  });

  describe('prompt (docs/security.md 31)', () => {
    it('prompt=none answers login_required without a page', async () => {
      const res = await start(new TestBrowser(t.app), web, { prompt: 'none' });
      expect(res.status).toBe(303);
      expect(answerOf(res.headers.location)).toMatchObject({
        error: 'login_required',
        state: 'state-1',
      });
    });

    it('prompt=none answers consent_required, then a code once consent is remembered', async () => {
      const browser = new TestBrowser(t.app);
      const user = await newUser();
      const consent = await signIn(browser, web, user.username);
      const res = await start(browser, web, { prompt: 'none' });
      expect(answerOf(res.headers.location).error).toBe('consent_required');
      await submitConsent(browser, await start(browser, web), 'allow');
      const silent = await start(browser, web, { prompt: 'none' });
      expect(silent.status).toBe(303);
      expect(answerOf(silent.headers.location).code).toBeDefined();
      expect(consent.status).toBe(200);
    });

    it('prompt=login asks for the password again although signed in', async () => {
      const browser = new TestBrowser(t.app);
      const user = await newUser();
      await signIn(browser, firstParty, user.username);
      t.clock.advanceSeconds(1);
      const page = await start(browser, firstParty, { prompt: 'login' });
      expect(headingOf(page)).toBe('Sign in');
      const posted = await submitSignIn(browser, page, user.username, PASSWORD);
      const answered = await browser.follow(posted.headers.location);
      expect(answerOf(answered.headers.location).code).toBeDefined();
    });
  });

  describe('the answer', () => {
    it('redeems for tokens bound to the user, the client and the consented scope', async () => {
      const browser = new TestBrowser(t.app);
      const pkce = pkcePair();
      const page = await browser.follow(
        authorizePath(native.clientId, 'http://127.0.0.1:43210/callback', pkce.challenge, {
          scope: 'profile',
        }),
      );
      const consent = await browser.follow(
        (await submitSignIn(browser, page, 'ada', PASSWORD)).headers.location,
      );
      const answered = await submitConsent(browser, consent, 'allow');
      const location = answered.headers.location as string;
      expect(location.startsWith('http://127.0.0.1:43210/callback?')).toBe(true);
      const { code, iss } = answerOf(location);
      expect(iss).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const token = await redeemCode(t.app, {
        code,
        redirect_uri: 'http://127.0.0.1:43210/callback',
        client_id: native.clientId,
        code_verifier: pkce.verifier,
      });
      expect(token.status).toBe(200);
      expect(token.body.scope).toBe('profile');
      const me = await callApi(t.app, token.body.access_token);
      expect(me.body).toMatchObject({ userId, clientId: native.clientId, scope: ['profile'] });
    });
  });
});
