import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { USER_CODE_LOCKED } from '../../src/device/device-verification.controller.js';
import { displayUserCode } from '../../src/device/user-code.js';
import type { SentinelClient } from '../../src/storage/client-store.js';
import {
  COMBINATIONS,
  COOKIE_NAME,
  TestBrowser,
  formsOf,
  headingOf,
  startAuthorizationApp,
  submitSignIn,
  type AuthorizationApp,
} from '../authorization/authorization-testing.js';
import {
  CookieLogin,
  HostAccountModule,
  alertOf,
  createDeviceCode,
  decisionOf,
  deviceClientGrants,
  enterCode,
  type CreatedDeviceCode,
} from './device-testing.js';

const PASSWORD = 'correct horse battery';

/**
 * The device verification page (RFC 8628 §3.3, issue 14, docs/security.md 26–35, ADR 0023): the
 * code entry, the sign-in and the confirmation, on the interaction layer's sessions and CSRF.
 * Device codes are created in the store directly, as the device authorization endpoint would.
 */
describe.each(COMBINATIONS)('device verification page on %s', (_name, backend, platform) => {
  let t: AuthorizationApp;
  let client: SentinelClient;
  let userId: string;

  beforeAll(async () => {
    t = await startAuthorizationApp(
      {
        ...backend('device-pages'),
        interaction: { scopeDescriptions: { orders: 'See your orders' } },
      },
      platform,
    );
    userId = (
      await t.users.create({ username: 'ada', password: PASSWORD, scope: 'orders profile' })
    ).id;
    ({ client } = await t.clients.create({
      clientName: 'Living-room TV',
      clientType: 'public',
      grantTypes: deviceClientGrants(t.app),
      scope: 'orders profile',
    }));
  });

  afterAll(async () => {
    await t?.close();
  });

  // Every test starts with forgotten wrong-code counters (they reset after 1 h, ADR 0023).
  beforeEach(() => t.clock.advanceSeconds(2 * 60 * 60));

  /** Enters the code, signs in on the built-in page: ends on the confirmation page. */
  async function toConfirmation(browser: TestBrowser, created: CreatedDeviceCode) {
    const entered = await enterCode(browser, displayUserCode(created.userCode));
    expect(entered.status).toBe(303);
    const signIn = await browser.get(entered.headers.location as string);
    expect(headingOf(signIn)).toBe('Sign in');
    const signedIn = await submitSignIn(browser, signIn, 'ada', PASSWORD);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe(entered.headers.location);
    return browser.get(signedIn.headers.location as string);
  }

  describe('the code entry page', () => {
    it('is a form with a labelled, focused, autocomplete=off field and the XXXX-XXXX hint', async () => {
      const page = await new TestBrowser(t.app).get('/oauth/device');
      expect(page.status).toBe(200);
      expect(headingOf(page)).toBe('Connect a device');
      expect(page.text).toContain('<label for="user_code">Code</label>');
      const input = /<input type="text" id="user_code"[^>]*>/.exec(page.text)![0];
      expect(input).toContain('autocomplete="off"');
      expect(input).toContain(' autofocus');
      expect(input).toContain('value=""');
      expect(page.text).toContain('XXXX-XXXX');
      const [form] = formsOf(page.text);
      expect(form.action).toBe('/oauth/device');
      expect(form.fields.csrf_token).toMatch(/^[\w-]{43}$/);
    });

    it('has the interaction pages’ headers: CSP without script, frame-ancestors none, no-store', async () => {
      const page = await new TestBrowser(t.app).get('/oauth/device');
      const csp = page.headers['content-security-policy'] as string;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("form-action 'self'");
      expect(csp).not.toContain('script-src');
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(page.headers['x-frame-options']).toBe('DENY');
      expect(page.headers['set-cookie']?.[0]).toMatch(
        new RegExp(`^${COOKIE_NAME}=[\\w-]{43}; Path=/oauth; HttpOnly; SameSite=Lax$`),
      );
    });

    it('?user_code= (verification_uri_complete) pre-fills the code but approves nothing', async () => {
      const created = await createDeviceCode(t, client.clientId);
      const browser = new TestBrowser(t.app);
      // Signed in already: even so, opening the link decides nothing.
      await toConfirmation(browser, await createDeviceCode(t, client.clientId));
      const page = await browser.get(
        `/oauth/device?user_code=${displayUserCode(created.userCode)}`,
      );
      expect(page.status).toBe(200);
      expect(headingOf(page)).toBe('Connect a device');
      expect(page.text).toContain(`value="${displayUserCode(created.userCode)}"`);
      expect(await decisionOf(t, created)).toBeNull();
    });

    it('escapes what the link pre-fills', async () => {
      const page = await new TestBrowser(t.app).get(
        `/oauth/device?user_code=${encodeURIComponent('"><script>x</script>')}`,
      );
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('<script>');
      expect(page.text).toContain('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    });

    it.each([
      ['lower case', (code: string) => code.toLowerCase()],
      ['a space instead of the dash', (code: string) => `${code.slice(0, 4)} ${code.slice(4)}`],
      ['no dash', (code: string) => code],
      ['spaces around and a dash', (code: string) => ` ${code.slice(0, 4)}-${code.slice(4)} `],
    ])('accepts the code typed in %s', async (_how, typed) => {
      const created = await createDeviceCode(t, client.clientId);
      const res = await enterCode(new TestBrowser(t.app), typed(created.userCode));
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(/^\/oauth\/device\/[\w-]{43}$/);
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('says so for an unknown code, an empty field and something that is no code', async () => {
      const browser = new TestBrowser(t.app);
      const unknown = await enterCode(browser, 'BBBB-BBBB');
      expect(unknown.status).toBe(400);
      expect(alertOf(unknown)).toBe(
        'That code was not found. Check the code on your device and try again.',
      );
      expect(unknown.text).toContain('value="BBBB-BBBB"');
      const empty = await enterCode(browser, '  ');
      expect(empty.status).toBe(400);
      expect(alertOf(empty)).toBe('Enter the code shown on your device.');
      const vowels = await enterCode(browser, 'AEIO-UAEI');
      expect(vowels.status).toBe(400);
      expect(alertOf(vowels)).toMatch(/^A code has 8 letters/);
    });

    it('says an expired code has expired', async () => {
      const created = await createDeviceCode(t, client.clientId, ['orders'], 60);
      t.clock.advanceSeconds(60);
      const res = await enterCode(new TestBrowser(t.app), created.userCode);
      expect(res.status).toBe(400);
      expect(alertOf(res)).toBe('This code has expired. Start again on your device.');
    });

    it('says a code that was answered already was used', async () => {
      const created = await createDeviceCode(t, client.clientId);
      const browser = new TestBrowser(t.app);
      const confirm = await toConfirmation(browser, created);
      // A second approval parked for the same code before the first was answered.
      const other = new TestBrowser(t.app);
      const parked = await enterCode(other, created.userCode);
      expect(parked.status).toBe(303);

      const [form] = formsOf(confirm.text);
      expect((await browser.post(form.action, { ...form.fields, decision: 'allow' })).status).toBe(
        200,
      );
      const again = await enterCode(new TestBrowser(t.app), created.userCode);
      expect(again.status).toBe(400);
      expect(alertOf(again)).toBe(
        'This code was already used. Start again on your device to get a new one.',
      );
      const stale = await other.get(parked.headers.location as string);
      expect(stale.status).toBe(400);
      expect(headingOf(stale)).toBe('This code was already used');
    });
  });

  describe('sign-in and confirmation', () => {
    it('signs in on the built-in page, names the client, every scope, when and the code; Allow approves', async () => {
      const created = await createDeviceCode(t, client.clientId, ['orders', 'profile']);
      t.clock.advanceSeconds(150);
      const browser = new TestBrowser(t.app);
      const entered = await enterCode(browser, created.userCode);
      const signIn = await browser.get(entered.headers.location as string);
      expect(signIn.status).toBe(200);
      expect(signIn.text).toContain('to continue to <span class="app">Living-room TV</span>');
      const [signInForm] = formsOf(signIn.text);
      expect(signInForm.action).toBe(`${entered.headers.location}/sign-in`);

      const wrong = await submitSignIn(browser, signIn, 'ada', 'not the password');
      expect(wrong.status).toBe(401);
      expect(alertOf(wrong)).toBe('The username or password is not right. Try again.');
      const before = browser.cookie;
      const signedIn = await submitSignIn(browser, wrong, 'ada', PASSWORD);
      expect(signedIn.status).toBe(303);
      expect(browser.cookie).not.toBe(before); // a new session id (docs/security.md 26)

      const confirm = await browser.get(signedIn.headers.location as string);
      expect(confirm.status).toBe(200);
      expect(headingOf(confirm)).toBe('Living-room TV on your device wants to access your account');
      expect(confirm.text).toContain('Signed in as <strong>ada</strong>');
      expect(confirm.text).toContain('Requested 2 minutes ago with the code');
      expect(confirm.text).toContain(
        `<span class="code">${displayUserCode(created.userCode)}</span>`,
      );
      expect(confirm.text).toContain(
        '<span class="scope-text">See your orders</span><span class="scope">orders</span>',
      );
      expect(confirm.text).toContain('<li><span class="scope">profile</span></li>');
      expect(confirm.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(confirm.headers['cache-control']).toBe('no-store');
      expect(await decisionOf(t, created)).toBeNull(); // shown, not decided

      const [decision, signOut] = formsOf(confirm.text);
      expect(signOut.action).toBe('/oauth/interaction/sign-out');
      const done = await browser.post(decision.action, { ...decision.fields, decision: 'allow' });
      expect(done.status).toBe(200);
      expect(headingOf(done)).toBe('Done — go back to your device');
      expect(done.text).toContain('Living-room TV');
      expect(await decisionOf(t, created)).toEqual({
        outcome: 'approved',
        userId,
        scope: 'orders profile',
      });
      // Answered once: the same form again is refused, the decision stands.
      const twice = await browser.post(decision.action, { ...decision.fields, decision: 'deny' });
      expect(twice.status).toBe(400);
      expect(await decisionOf(t, created)).toMatchObject({ outcome: 'approved' });
    });

    it('without a requested scope, approves the client’s scope within the user’s', async () => {
      const created = await createDeviceCode(t, client.clientId, null);
      const browser = new TestBrowser(t.app);
      const confirm = await toConfirmation(browser, created);
      const [form] = formsOf(confirm.text);
      await browser.post(form.action, { ...form.fields, decision: 'allow' });
      expect(await decisionOf(t, created)).toEqual({
        outcome: 'approved',
        userId,
        scope: 'orders profile',
      });
    });

    it('a scope beyond the client’s is a page, not an approval', async () => {
      const created = await createDeviceCode(t, client.clientId, ['admin']);
      const browser = new TestBrowser(t.app);
      const page = await toConfirmation(browser, created);
      expect(page.status).toBe(400);
      expect(headingOf(page)).toBe('This device asks for more than your account allows');
      expect(await decisionOf(t, created)).toBeNull();
    });

    it('Deny records a denial and says so', async () => {
      const created = await createDeviceCode(t, client.clientId);
      const browser = new TestBrowser(t.app);
      const confirm = await toConfirmation(browser, created);
      const [form] = formsOf(confirm.text);
      const denied = await browser.post(form.action, { ...form.fields, decision: 'deny' });
      expect(denied.status).toBe(200);
      expect(headingOf(denied)).toBe('You denied access');
      expect(denied.text).toContain('You denied <span class="app">Living-room TV</span> access');
      expect(await decisionOf(t, created)).toEqual({ outcome: 'denied' });
    });

    it('a signed-in browser goes straight to the confirmation', async () => {
      const browser = new TestBrowser(t.app);
      await toConfirmation(browser, await createDeviceCode(t, client.clientId));
      const entered = await enterCode(
        browser,
        (await createDeviceCode(t, client.clientId)).userCode,
      );
      const confirm = await browser.get(entered.headers.location as string);
      expect(headingOf(confirm)).toMatch(/wants to access your account$/);
    });

    it('a code that expires while the page is open cannot be approved', async () => {
      const created = await createDeviceCode(t, client.clientId, ['orders'], 120);
      const browser = new TestBrowser(t.app);
      const confirm = await toConfirmation(browser, created);
      t.clock.advanceSeconds(120);
      const [form] = formsOf(confirm.text);
      const late = await browser.post(form.action, { ...form.fields, decision: 'allow' });
      expect(late.status).toBe(400);
      expect(headingOf(late)).toBe('This code has expired');
      expect(await decisionOf(t, created)).toBeNull();
    });

    it('an unknown approval id is a page, never a 500', async () => {
      const browser = new TestBrowser(t.app);
      for (const path of ['/oauth/device/nope', `/oauth/device/${'A'.repeat(43)}`]) {
        const res = await browser.get(path);
        expect(res.status).toBe(400);
        expect(headingOf(res)).toBe('This page has expired');
      }
    });
  });

  describe('CSRF and origin on every form (docs/security.md 27)', () => {
    it('refuses a code post without the token, with another browser’s, or from another origin', async () => {
      const created = await createDeviceCode(t, client.clientId);
      const browser = new TestBrowser(t.app);
      const page = await browser.get('/oauth/device');
      const [form] = formsOf(page.text);
      const foreign = formsOf((await new TestBrowser(t.app).get('/oauth/device')).text)[0];
      const attempts = [
        browser.post(form.action, { user_code: created.userCode }),
        browser.post(form.action, { ...foreign.fields, user_code: created.userCode }),
        browser.post(
          form.action,
          { ...form.fields, user_code: created.userCode },
          { Origin: 'https://evil.example' },
        ),
        browser.post(
          form.action,
          { ...form.fields, user_code: created.userCode },
          { 'Sec-Fetch-Site': 'cross-site' },
        ),
      ];
      for (const res of await Promise.all(attempts)) {
        expect(res.status).toBe(403);
        expect(headingOf(res)).toBe('This form has expired');
      }
      const own = await browser.post(
        form.action,
        { ...form.fields, user_code: created.userCode },
        { 'Sec-Fetch-Site': 'same-origin', Origin: 'null' },
      );
      expect(own.status).toBe(303);
    });

    it('refuses a decision without the token or with another approval’s token', async () => {
      const created = await createDeviceCode(t, client.clientId);
      const browser = new TestBrowser(t.app);
      const confirm = await toConfirmation(browser, created);
      const [form] = formsOf(confirm.text);
      // Signed in already: the second code's page is its confirmation at once.
      const entered = await enterCode(
        browser,
        (await createDeviceCode(t, client.clientId)).userCode,
      );
      const otherConfirm = await browser.get(entered.headers.location as string);
      const [otherForm] = formsOf(otherConfirm.text);
      const missing = await browser.post(form.action, { decision: 'allow' });
      const swapped = await browser.post(form.action, { ...otherForm.fields, decision: 'allow' });
      const stranger = new TestBrowser(t.app);
      await stranger.get('/oauth/device');
      const elsewhere = await stranger.post(form.action, { ...form.fields, decision: 'allow' });
      for (const res of [missing, swapped, elsewhere]) expect(res.status).toBe(403);
      expect(await decisionOf(t, created)).toBeNull();
    });
  });

  describe('wrong codes are limited per browser and per address (docs/security.md 33)', () => {
    it('locks a browser after 5 free wrong codes: 429 with Retry-After, the right code too', async () => {
      const created = await createDeviceCode(t, client.clientId);
      const browser = new TestBrowser(t.app);
      // 5 free, the 6th is still checked and locks (ADR 0023).
      for (let i = 0; i < 6; i++) expect((await enterCode(browser, 'BBBB-BBBB')).status).toBe(400);
      const locked = await enterCode(browser, created.userCode);
      expect(locked.status).toBe(429);
      expect(locked.headers['retry-after']).toBe('2');
      expect(alertOf(locked)).toBe(USER_CODE_LOCKED);
      expect(locked.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      // Another browser from the same address is not locked by this one's 6.
      expect((await enterCode(new TestBrowser(t.app), created.userCode)).status).toBe(303);

      t.clock.advanceSeconds(2);
      expect((await enterCode(browser, created.userCode)).status).toBe(303);
      // A right code takes its attempt back but resets nothing: past the free ones, every entry
      // locks again, for longer (2 s doubling).
      const again = await enterCode(browser, 'BBBB-BBBB');
      expect(again.status).toBe(429);
      expect(again.headers['retry-after']).toBe('4');
    });

    it('locks an address after 10 free wrong codes, whatever the browser', async () => {
      const created = await createDeviceCode(t, client.clientId);
      // Fresh browsers (2 wrong codes each, under their own limit): 11 wrong codes in all.
      for (let i = 0; i < 11; i++) {
        const browser = new TestBrowser(t.app);
        expect((await enterCode(browser, 'CCCC-CCCC')).status).toBe(400);
      }
      const locked = await enterCode(new TestBrowser(t.app), created.userCode);
      expect(locked.status).toBe(429);
      expect(Number(locked.headers['retry-after'])).toBe(2);
      expect(alertOf(locked)).toBe(USER_CODE_LOCKED);
      t.clock.advanceSeconds(2);
      expect((await enterCode(new TestBrowser(t.app), created.userCode)).status).toBe(303);
    });

    it('keeps the counters in Redis when the module has it, under the {prefix bf} hash tag', async () => {
      await enterCode(new TestBrowser(t.app), 'DDDD-DDDD');
      if (t.redis === null) {
        expect(t.options.redis).toBeUndefined();
        return;
      }
      const keys = await t.redis.keys(`{${t.options.keyPrefix}bf}:user-code*`);
      expect(keys.some((key) => /:user-code:[0-9a-f]{64}$/.test(key))).toBe(true);
      expect(keys.some((key) => /:user-code-session:[0-9a-f]{64}$/.test(key))).toBe(true);
    });
  });
});

/** The host app's own login instead of the built-in page (the HostLogin port). */
describe.each(COMBINATIONS)(
  'device verification with the host’s login on %s',
  (_name, backend, platform) => {
    let t: AuthorizationApp;
    let client: SentinelClient;
    let userId: string;

    beforeAll(async () => {
      t = await startAuthorizationApp(
        { ...backend('device-host-login'), interaction: { login: CookieLogin } },
        platform,
        [HostAccountModule],
      );
      userId = (await t.users.create({ username: 'grace', password: 'unused by the host' })).id;
      ({ client } = await t.clients.create({
        clientName: 'Console',
        clientType: 'public',
        grantTypes: deviceClientGrants(t.app),
        scope: 'orders',
      }));
    });

    afterAll(async () => {
      await t?.close();
    });

    it('sends the browser to the host’s page with returnTo, then confirms and approves', async () => {
      const created = await createDeviceCode(t, client.clientId);
      const browser = new TestBrowser(t.app);
      const entered = await enterCode(browser, created.userCode);
      const approval = entered.headers.location as string;
      const toHost = await browser.get(approval);
      expect(toHost.status).toBe(303);
      expect(toHost.headers.location).toBe(
        `/account/sign-in?return_to=${encodeURIComponent(approval)}`,
      );
      // The built-in sign-in does not exist with the host's login.
      expect((await browser.post(`${approval}/sign-in`, {})).status).toBe(404);

      const login = await request(t.app.getHttpServer())
        .post(`/account/login?return_to=${encodeURIComponent(approval)}`)
        .send({ user_id: userId });
      expect(login.body.returnTo).toBe(approval);
      const hostCookie = (login.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
      const withBoth = `${COOKIE_NAME}=${browser.cookie}; ${hostCookie}`;
      const confirm = await request(t.app.getHttpServer()).get(approval).set('Cookie', withBoth);
      expect(confirm.status).toBe(200);
      expect(headingOf(confirm)).toBe('Console on your device wants to access your account');
      expect(confirm.text).not.toContain('Sign out');
      const [form] = formsOf(confirm.text);
      const done = await request(t.app.getHttpServer())
        .post(form.action)
        .set('Cookie', withBoth)
        .type('form')
        .send(new URLSearchParams({ ...form.fields, decision: 'allow' }).toString());
      expect(done.status).toBe(200);
      expect(await decisionOf(t, created)).toEqual({
        outcome: 'approved',
        userId,
        scope: 'orders',
      });
    });
  },
);

/** The device pages are templates the host can replace, like the others (docs/security.md 28). */
describe('replaceable device page templates', () => {
  let t: AuthorizationApp;

  beforeAll(async () => {
    t = await startAuthorizationApp({
      interaction: {
        templates: {
          deviceCode: (view) =>
            `<form method="post" action="${view.form.action}">${Object.entries(view.form.hidden)
              .map(([name, value]) => `<input type="hidden" name="${name}" value="${value}">`)
              .join('')}</form><h1>Our own code page</h1><p>${view.error ?? ''}</p>`,
        },
      },
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('serves the host’s deviceCode page with the same headers, and its form works', async () => {
    const browser = new TestBrowser(t.app);
    const page = await browser.get('/oauth/device');
    expect(headingOf(page)).toBe('Our own code page');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const wrong = await enterCode(browser, 'BBBB-BBBB');
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('That code was not found.');
  });
});

/** Where the pages are mounted (sentinel.controllers.ts, ADR 0023). */
describe('mounting the device pages', () => {
  it('with the authorization endpoint off, the device page still signs in and signs out', async () => {
    const t = await startAuthorizationApp({ authorizePath: false });
    try {
      expect((await request(t.app.getHttpServer()).get('/oauth/authorize')).status).toBe(404);
      expect((await new TestBrowser(t.app).get('/oauth/device')).status).toBe(200);
      const signOut = await new TestBrowser(t.app).get('/oauth/interaction/sign-out');
      expect(signOut.status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('with deviceAuthorizationPath: false there is no device page', async () => {
    const t = await startAuthorizationApp({ deviceAuthorizationPath: false, devicePath: false });
    try {
      expect((await request(t.app.getHttpServer()).get('/oauth/device')).status).toBe(404);
    } finally {
      await t.close();
    }
  });
});
