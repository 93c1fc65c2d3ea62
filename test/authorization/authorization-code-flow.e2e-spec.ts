import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { SentinelClient } from '../../src/storage/client-store.js';
import { BACKENDS, startProtocolApp, type ProtocolApp } from '../revocation/protocol-testing.js';
import { callApi } from '../module/module-testing.js';
import { TestBrowser, answerOf, formsOf, pkcePair } from './authorization-testing.js';

const REDIRECT = 'https://app.example.com/callback';
const AUTHORIZE = '/oauth/authorize';

describe.each(BACKENDS)(
  'authorization code flow (RFC 6749 §4.1, RFC 7636) on %s',
  (_name, backend) => {
    let t: ProtocolApp;
    let client: SentinelClient;

    beforeAll(async () => {
      t = await startProtocolApp(backend('code-flow'));
      await t.users.create({ username: 'ada', password: 'correct horse battery' });
      ({ client } = await t.clients.create({
        clientName: 'Orders <Web>',
        clientType: 'public',
        grantTypes: ['authorization_code', 'refresh_token'],
        scope: 'orders profile',
        redirectUris: [REDIRECT],
      }));
    });

    afterAll(async () => {
      await t?.close();
    });

    function authorizeUrl(extra: Record<string, string> = {}, challenge = pkcePair().challenge) {
      const query = new URLSearchParams({
        response_type: 'code',
        client_id: client.clientId,
        redirect_uri: REDIRECT,
        scope: 'orders',
        state: 'xyz',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        ...extra,
      });
      return `${AUTHORIZE}?${query}`;
    }

    it('signs in, consents, and redeems the code for tokens the guard accepts', async () => {
      const browser = new TestBrowser(t.app);
      const pkce = pkcePair();
      const signInPage = await browser.follow(authorizeUrl({}, pkce.challenge));
      expect(signInPage.status).toBe(200);
      expect(signInPage.text).toContain('Orders &lt;Web&gt;');
      const [signInForm] = formsOf(signInPage.text);
      const signedIn = await browser.post(signInForm.action, {
        ...signInForm.fields,
        username: 'ada',
        password: 'correct horse battery',
      });
      expect(signedIn.status).toBe(303);
      const consentPage = await browser.follow(signedIn.headers.location);
      expect(consentPage.status).toBe(200);
      expect(consentPage.text).toContain('orders');
      const [consentForm] = formsOf(consentPage.text);
      const answered = await browser.post(consentForm.action, {
        ...consentForm.fields,
        decision: 'allow',
      });
      expect(answered.status).toBe(303);
      const answer = answerOf(answered.headers.location);
      expect(answer).toMatchObject({ state: 'xyz', iss: expect.any(String) });
      const token = await request(t.app.getHttpServer()).post('/oauth/token').type('form').send({
        grant_type: 'authorization_code',
        code: answer.code,
        redirect_uri: REDIRECT,
        client_id: client.clientId,
        code_verifier: pkce.verifier,
      });
      expect(token.status).toBe(200);
      expect(token.body).toMatchObject({ token_type: 'Bearer', scope: 'orders' });
      expect((await callApi(t.app, token.body.access_token)).status).toBe(200);
    });
  },
);
