import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { CookieLogin, HostAccountModule, HostSessions } from './host-login-app.js';
import type { SentinelClient } from '../../src/storage/client-store.js';
import { callApi } from '../module/module-testing.js';
import {
  COMBINATIONS,
  answerOf,
  authorizePath,
  formsOf,
  headingOf,
  pkcePair,
  redeemCode,
  startAuthorizationApp,
  type AuthorizationApp,
} from './authorization-testing.js';

const WEB = 'https://app.example.com/callback';

/**
 * The host app's own login instead of the built-in page (the HostLogin port, issue 13): the
 * module asks it who is signed in and sends the browser to its page otherwise.
 */
describe.each(COMBINATIONS)('the host app’s own login on %s', (_name, backend, platform) => {
  let t: AuthorizationApp;
  let client: SentinelClient;
  let userId: string;

  beforeAll(async () => {
    t = await startAuthorizationApp(
      { ...backend('host-login'), interaction: { login: CookieLogin } },
      platform,
      [HostAccountModule],
    );
    userId = (await t.users.create({ username: 'grace', password: 'unused by the host' })).id;
    ({ client } = await t.clients.create({
      clientName: 'Reports',
      clientType: 'public',
      grantTypes: ['authorization_code'],
      scope: 'orders',
      redirectUris: [WEB],
    }));
  });

  afterAll(async () => {
    await t?.close();
  });

  /** A browser that carries both the host's cookie and the module's. */
  class TwoCookieBrowser {
    cookies = new Map<string, string>();
    constructor(private readonly app: INestApplication) {}
    private header() {
      return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    private keep(res: request.Response) {
      for (const line of (res.headers['set-cookie'] as unknown as string[]) ?? []) {
        const [pair] = line.split(';');
        const index = pair.indexOf('=');
        this.cookies.set(pair.slice(0, index), pair.slice(index + 1));
      }
      return res;
    }
    async get(path: string) {
      return this.keep(
        await request(this.app.getHttpServer()).get(path).set('Cookie', this.header()),
      );
    }
    async post(path: string, fields: Record<string, string>) {
      return this.keep(
        await request(this.app.getHttpServer())
          .post(path)
          .set('Cookie', this.header())
          .type('form')
          .send(new URLSearchParams(fields).toString()),
      );
    }
  }

  function begin(browser: TwoCookieBrowser, extra: Record<string, string> = {}) {
    const pkce = pkcePair();
    return browser
      .get(authorizePath(client.clientId, WEB, pkce.challenge, extra))
      .then(async (res) => ({ pkce, interaction: res.headers.location as string }));
  }

  /** The host's login, as its page would do it, then back to where the module asked. */
  async function hostSignIn(browser: TwoCookieBrowser, signInUrl: string) {
    const returnTo = new URL(signInUrl, 'http://host').searchParams.get('return_to')!;
    const res = await browser.post(`/account/login?return_to=${encodeURIComponent(returnTo)}`, {
      user_id: userId,
    });
    expect(res.status).toBe(201);
    return res.body.returnTo as string;
  }

  it('sends a browser with nobody signed in to the host’s page, and carries on after it', async () => {
    const browser = new TwoCookieBrowser(t.app);
    const { pkce, interaction } = await begin(browser);
    const toHost = await browser.get(interaction);
    expect(toHost.status).toBe(303);
    const signInUrl = toHost.headers.location as string;
    expect(signInUrl).toBe(`/account/sign-in?return_to=${encodeURIComponent(interaction)}`);

    const back = await hostSignIn(browser, signInUrl);
    expect(back).toBe(interaction);
    const consent = await browser.get(back);
    expect(consent.status).toBe(200);
    expect(headingOf(consent)).toMatch(/Reports wants to access/);
    expect(consent.text).not.toContain('Sign out');
    const [form] = formsOf(consent.text);
    const answered = await browser.post(form.action, { ...form.fields, decision: 'allow' });
    const { code } = answerOf(answered.headers.location);
    const token = await redeemCode(t.app, {
      code,
      redirect_uri: WEB,
      client_id: client.clientId,
      code_verifier: pkce.verifier,
    });
    expect(token.status).toBe(200);
    expect((await callApi(t.app, token.body.access_token)).body).toMatchObject({ userId });
  });

  it('prompt=login sends a signed-in person to the host’s page again', async () => {
    const browser = new TwoCookieBrowser(t.app);
    const first = await begin(browser);
    await hostSignIn(browser, (await browser.get(first.interaction)).headers.location);
    t.clock.advanceSeconds(5);
    try {
      const { interaction } = await begin(browser, { prompt: 'login' });
      const res = await browser.get(interaction);
      expect(res.status).toBe(303);
      expect(res.headers.location).toMatch(/^\/account\/sign-in\?return_to=/);
    } finally {
      t.clock.advanceSeconds(-5);
    }
  });

  it('prompt=none with nobody signed in answers login_required', async () => {
    const res = await new TwoCookieBrowser(t.app).get(
      authorizePath(client.clientId, WEB, pkcePair().challenge, { prompt: 'none' }),
    );
    expect(answerOf(res.headers.location).error).toBe('login_required');
  });

  it('a host session for a user the UserStore does not know is nobody', async () => {
    const browser = new TwoCookieBrowser(t.app);
    const { interaction } = await begin(browser);
    const sid = randomUUID();
    t.app.get(HostSessions).sessions.set(sid, { userId: 'no-such-user', signedInAt: new Date() });
    browser.cookies.set('host_sid', sid);
    const res = await browser.get(interaction);
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/account\/sign-in/);
  });

  it('the built-in sign-in and sign-out are not there', async () => {
    const browser = new TwoCookieBrowser(t.app);
    const { interaction } = await begin(browser);
    expect((await browser.post(`${interaction}/sign-in`, {})).status).toBe(404);
    expect((await browser.get('/oauth/interaction/sign-out')).status).toBe(404);
  });
});
