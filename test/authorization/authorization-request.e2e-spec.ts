import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { SentinelClient } from '../../src/storage/client-store.js';
import {
  COMBINATIONS,
  TestBrowser,
  answerOf,
  authorizePath,
  headingOf,
  pkcePair,
  startAuthorizationApp,
  type AuthorizationApp,
} from './authorization-testing.js';

const WEB = 'https://app.example.com/callback';
const OTHER = 'https://app.example.com/other';
const LOOPBACK = 'http://127.0.0.1:8080/callback';

/**
 * `GET/POST /authorize` request validation (RFC 6749 §4.1.1, §4.1.2.1; RFC 7636 §4.3;
 * docs/security.md 23, 24): what shows a page and never redirects, and what is answered at the
 * client with `error`, `state` and `iss` (RFC 9207).
 */
describe.each(COMBINATIONS)(
  'authorization request validation on %s',
  (_name, backend, platform) => {
    let t: AuthorizationApp;
    let web: SentinelClient;
    let twoUris: SentinelClient;
    let native: SentinelClient;
    let passwordOnly: SentinelClient;
    let confidential: SentinelClient;
    const { challenge } = pkcePair();

    beforeAll(async () => {
      t = await startAuthorizationApp(backend('authz-request'), platform);
      const create = (overrides: Partial<Parameters<typeof t.clients.create>[0]>) =>
        t.clients
          .create({
            clientName: 'Orders',
            clientType: 'public',
            grantTypes: ['authorization_code'],
            scope: 'orders profile',
            redirectUris: [WEB],
            ...overrides,
          })
          .then(({ client }) => client);
      web = await create({});
      twoUris = await create({ redirectUris: [WEB, OTHER] });
      native = await create({ redirectUris: [LOOPBACK, 'com.example.app:/callback'] });
      passwordOnly = await create({ grantTypes: ['password'] });
      confidential = await create({ clientType: 'confidential' });
    });

    afterAll(async () => {
      await t?.close();
    });

    const get = (path: string) => request(t.app.getHttpServer()).get(path);

    /** A page, never a redirect: no Location, the right status and heading. */
    async function expectPage(path: string, heading: RegExp, status = 400) {
      const res = await get(path);
      expect(res.status).toBe(status);
      expect(res.headers.location).toBeUndefined();
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(headingOf(res)).toMatch(heading);
      return res;
    }

    /** A 303 to `redirectUri` with `error`, the request's `state` and `iss`. */
    async function expectRedirectedError(path: string, error: string, redirectUri = WEB) {
      const res = await get(path);
      expect(res.status).toBe(303);
      const location = res.headers.location as string;
      expect(location.startsWith(`${redirectUri}?`)).toBe(true);
      const answer = answerOf(location);
      expect(answer).toMatchObject({
        error,
        state: 'state-1',
        iss: expect.stringMatching(/^http/),
      });
      expect(answer.code).toBeUndefined();
      return answer;
    }

    describe('a bad client_id or redirect_uri shows a page and never redirects (docs/security.md 23)', () => {
      it('missing client_id', async () => {
        await expectPage(authorizePath('', WEB, challenge).replace('client_id=&', ''), /broken/);
      });

      it('unknown client_id', async () => {
        await expectPage(authorizePath('no-such-client', WEB, challenge), /Unknown app/);
      });

      it('a redirect_uri that is not registered, without reflecting it', async () => {
        const res = await expectPage(
          authorizePath(web.clientId, 'https://evil.example/steal', challenge),
          /cannot be used/,
        );
        expect(res.text).not.toContain('evil.example');
      });

      it.each([
        ['another path', 'https://app.example.com/callback/x'],
        ['a trailing slash', 'https://app.example.com/callback/'],
        ['another case', 'https://APP.example.com/callback'],
        ['a default port spelled out', 'https://app.example.com:443/callback'],
        ['an added query', 'https://app.example.com/callback?x=1'],
        ['http instead of https', 'http://app.example.com/callback'],
      ])('a redirect_uri that differs by %s (exact match, RFC 9700 §2.1)', async (_what, uri) => {
        await expectPage(authorizePath(web.clientId, uri, challenge), /cannot be used/);
      });

      it('an omitted redirect_uri when two are registered', async () => {
        await expectPage(authorizePath(twoUris.clientId, undefined, challenge), /cannot be used/);
      });

      it('a repeated client_id or redirect_uri (RFC 6749 §3.1)', async () => {
        const path = authorizePath(web.clientId, WEB, challenge);
        await expectPage(`${path}&client_id=${web.clientId}`, /broken/);
        await expectPage(`${path}&redirect_uri=${encodeURIComponent(WEB)}`, /broken/);
      });

      it('a loopback redirect_uri on another host than registered (only the port may vary)', async () => {
        await expectPage(
          authorizePath(native.clientId, 'http://localhost:8080/callback', challenge),
          /cannot be used/,
        );
      });
    });

    describe('other errors go back to the client with error, state and iss (RFC 6749 §4.1.2.1, RFC 9207)', () => {
      it('response_type other than code (no implicit, RFC 9700 §2.1.2)', async () => {
        for (const responseType of ['token', 'code token', 'id_token']) {
          await expectRedirectedError(
            authorizePath(web.clientId, WEB, challenge, { response_type: responseType }),
            'unsupported_response_type',
          );
        }
      });

      it('missing response_type', async () => {
        await expectRedirectedError(
          authorizePath(web.clientId, WEB, challenge, { response_type: undefined }),
          'invalid_request',
        );
      });

      it('a client that does not list authorization_code', async () => {
        await expectRedirectedError(
          authorizePath(passwordOnly.clientId, WEB, challenge),
          'unauthorized_client',
        );
      });

      it('a scope beyond the client’s, or malformed', async () => {
        await expectRedirectedError(
          authorizePath(web.clientId, WEB, challenge, { scope: 'orders admin' }),
          'invalid_scope',
        );
        await expectRedirectedError(
          authorizePath(web.clientId, WEB, challenge, { scope: 'orders "x"' }),
          'invalid_scope',
        );
      });

      it.each<[string, Record<string, string | undefined>]>([
        [
          'no code_challenge (public client)',
          { code_challenge: undefined, code_challenge_method: undefined },
        ],
        ['code_challenge_method=plain', { code_challenge_method: 'plain' }],
        [
          'no code_challenge_method (plain by default, RFC 7636 §4.3)',
          { code_challenge_method: undefined },
        ],
        ['a method without a challenge', { code_challenge: undefined }],
        ['a malformed challenge', { code_challenge: 'short' }],
      ])('PKCE: %s (docs/security.md 24)', async (_what, extra) => {
        const answer = await expectRedirectedError(
          authorizePath(web.clientId, WEB, challenge, extra),
          'invalid_request',
        );
        expect(answer.error_description).toMatch(/code_challenge|PKCE/);
      });

      it('PKCE is required of confidential clients too by default', async () => {
        await expectRedirectedError(
          authorizePath(confidential.clientId, WEB, challenge, {
            code_challenge: undefined,
            code_challenge_method: undefined,
          }),
          'invalid_request',
        );
      });

      it.each([
        ['an unknown value', 'select_account'],
        ['none with another value', 'none login'],
      ])('prompt: %s', async (_what, prompt) => {
        await expectRedirectedError(
          authorizePath(web.clientId, WEB, challenge, { prompt }),
          'invalid_request',
        );
      });

      it('a repeated parameter other than client_id and redirect_uri', async () => {
        await expectRedirectedError(
          `${authorizePath(web.clientId, WEB, challenge)}&scope=profile`,
          'invalid_request',
        );
      });

      it('response_mode other than query', async () => {
        await expectRedirectedError(
          authorizePath(web.clientId, WEB, challenge, { response_mode: 'fragment' }),
          'invalid_request',
        );
      });

      it('keeps the registered redirect URI’s own query and returns state untouched', async () => {
        const { client } = await t.clients.create({
          clientName: 'With query',
          clientType: 'public',
          grantTypes: ['password'],
          scope: 'orders',
          redirectUris: ['https://app.example.com/cb?tenant=a%20b'],
        });
        const res = await get(
          authorizePath(client.clientId, 'https://app.example.com/cb?tenant=a%20b', challenge, {
            state: 'a b&c=d/é',
          }),
        );
        const location = res.headers.location as string;
        expect(location.startsWith('https://app.example.com/cb?tenant=a%20b&')).toBe(true);
        expect(answerOf(location)).toMatchObject({
          tenant: 'a b',
          state: 'a b&c=d/é',
          error: 'unauthorized_client',
        });
      });
    });

    describe('valid requests', () => {
      it('are parked server-side: the browser gets an id, not the parameters (docs/security.md 34)', async () => {
        const res = await get(
          authorizePath(web.clientId, WEB, challenge, { state: 'secret-state' }),
        );
        expect(res.status).toBe(303);
        const location = res.headers.location as string;
        expect(location).toMatch(/^\/oauth\/interaction\/[A-Za-z0-9_-]{43}$/);
        expect(res.headers['cache-control']).toBe('no-store');
      });

      it('the one registered redirect_uri may be omitted', async () => {
        const res = await get(authorizePath(web.clientId, undefined, challenge));
        expect(res.status).toBe(303);
        expect(res.headers.location).toMatch(/^\/oauth\/interaction\//);
      });

      it('a loopback redirect_uri may use any port (RFC 8252 §7.3), and a private-use scheme is accepted', async () => {
        for (const uri of ['http://127.0.0.1:51234/callback', 'com.example.app:/callback']) {
          const res = await get(authorizePath(native.clientId, uri, challenge));
          expect(res.status).toBe(303);
          expect(res.headers.location).toMatch(/^\/oauth\/interaction\//);
        }
      });

      it('POST works like GET (RFC 6749 §3.1)', async () => {
        const query = authorizePath(web.clientId, WEB, challenge).split('?')[1];
        const res = await request(t.app.getHttpServer())
          .post('/oauth/authorize')
          .type('form')
          .send(query);
        expect(res.status).toBe(303);
        expect(res.headers.location).toMatch(/^\/oauth\/interaction\//);
      });

      it('the interaction page of an unknown id says the request expired', async () => {
        const browser = new TestBrowser(t.app);
        const res = await browser.get(`/oauth/interaction/${'a'.repeat(43)}`);
        expect(res.status).toBe(400);
        expect(headingOf(res)).toMatch(/expired/);
      });
    });
  },
);
