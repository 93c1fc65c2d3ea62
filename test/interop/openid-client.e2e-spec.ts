/**
 * openid-client 6 (a certified OAuth 2.0 / OpenID Connect client) against the module over real
 * HTTP: RFC 8414 discovery, an authorization request with PKCE S256 (RFC 7636) and `state`, the
 * built-in sign-in and consent pages, the library's own check of the redirect (`state`, and
 * `iss` per RFC 9207 since the metadata advertises it), the code redeemed and refreshed by the
 * library, the access token accepted by the guard — for a public client (`none`) and a
 * confidential one (`client_secret_basic`, RFC 6749 §2.3.1).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as client from 'openid-client';
import { BACKENDS, PLATFORMS } from '../module/module-testing.js';
import { REDIRECT_URI, approveInBrowser, startInteropApp, type InteropApp } from './interop-app.js';

const SUITES = BACKENDS.flatMap(([name, backend]) =>
  PLATFORMS.map((platform) => [`${name}, ${platform}`, backend, platform] as const),
);

describe.each(SUITES)(
  'openid-client 6 authorization code flow (%s)',
  (_name, backend, platform) => {
    let t: InteropApp;

    beforeAll(async () => {
      t = await startInteropApp(backend(`openid-client-${platform}`), platform);
    });

    afterAll(async () => {
      await t?.close();
    });

    /** RFC 8414 discovery by the library; http is allowed explicitly (loopback test server). */
    function discover(clientId: string, auth: client.ClientAuth): Promise<client.Configuration> {
      return client.discovery(new URL(t.issuer), clientId, undefined, auth, {
        algorithm: 'oauth2',
        execute: [client.allowInsecureRequests],
      });
    }

    /** An authorization URL built by the library, and the checks it must later apply. */
    async function authorizationRequest(config: client.Configuration) {
      const pkceCodeVerifier = client.randomPKCECodeVerifier();
      const expectedState = client.randomState();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT_URI,
        scope: 'orders',
        code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier),
        code_challenge_method: 'S256',
        state: expectedState,
      });
      return { url, checks: { pkceCodeVerifier, expectedState } };
    }

    /** openid-client wraps oauth4webapi's check as `cause` of an OAUTH_INVALID_RESPONSE error. */
    function refusedBecause(message: string) {
      return { code: 'OAUTH_INVALID_RESPONSE', cause: expect.objectContaining({ message }) };
    }

    async function me(config: client.Configuration, accessToken: string) {
      const url = new URL('/api/me', t.issuer);
      return client.fetchProtectedResource(config, accessToken, url, 'GET');
    }

    it('discovers the endpoints the metadata advertises (RFC 8414 §3)', async () => {
      const config = await discover(t.publicClientId, client.None());
      expect(config.serverMetadata()).toMatchObject({
        issuer: t.issuer,
        authorization_endpoint: `${t.issuer}/oauth/authorize`,
        token_endpoint: `${t.issuer}/oauth/token`,
        code_challenge_methods_supported: ['S256'],
        authorization_response_iss_parameter_supported: true,
      });
    });

    it.each([
      ['public client, none', () => discover(t.publicClientId, client.None())],
      [
        'confidential client, client_secret_basic',
        () =>
          discover(t.confidential.clientId, client.ClientSecretBasic(t.confidential.clientSecret)),
      ],
    ])('%s: code, tokens, guarded call, refresh', async (_label, configure) => {
      const config = await configure();
      const { url, checks } = await authorizationRequest(config);
      const answer = await approveInBrowser(t.issuer, url);

      const tokens = await client.authorizationCodeGrant(config, answer, checks);
      expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'orders' });
      expect(tokens.refresh_token).toEqual(expect.any(String));
      const identity = await me(config, tokens.access_token);
      expect(identity.status).toBe(200);
      expect(await identity.json()).toMatchObject({
        scope: ['orders'],
        clientId: config.clientMetadata().client_id,
      });

      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
      expect(refreshed.access_token).not.toBe(tokens.access_token);
      expect((await me(config, refreshed.access_token)).status).toBe(200);
      // The code is single use (RFC 6749 §4.1.2): the library's second redemption is refused.
      await expect(client.authorizationCodeGrant(config, answer, checks)).rejects.toMatchObject({
        error: 'invalid_grant',
      });
    });

    it('confidential client: a wrong secret in Basic is invalid_client (RFC 6749 §5.2)', async () => {
      const config = await discover(t.confidential.clientId, client.ClientSecretBasic('not-it'));
      const { url, checks } = await authorizationRequest(config);
      const answer = await approveInBrowser(t.issuer, url);
      // A 401 with a Basic challenge (RFC 6749 §5.2) surfaces as the library's challenge error.
      const refused = await client.authorizationCodeGrant(config, answer, checks).catch((e) => e);
      expect(refused).toMatchObject({
        code: 'OAUTH_WWW_AUTHENTICATE_CHALLENGE',
        status: 401,
        cause: [expect.objectContaining({ scheme: 'basic' })],
      });
      expect(await (refused.response as Response).json()).toMatchObject({
        error: 'invalid_client',
      });
    });

    it('refuses an answer whose iss is another issuer, or missing (RFC 9207 §2.4)', async () => {
      const config = await discover(t.publicClientId, client.None());
      const { url, checks } = await authorizationRequest(config);
      const answer = await approveInBrowser(t.issuer, url);
      expect(answer.searchParams.get('iss')).toBe(t.issuer);

      const forged = new URL(answer);
      forged.searchParams.set('iss', 'https://attacker.example');
      await expect(client.authorizationCodeGrant(config, forged, checks)).rejects.toMatchObject(
        refusedBecause('unexpected "iss" (issuer) response parameter value'),
      );
      const stripped = new URL(answer);
      stripped.searchParams.delete('iss');
      await expect(client.authorizationCodeGrant(config, stripped, checks)).rejects.toMatchObject(
        refusedBecause('response parameter "iss" (issuer) missing'),
      );
      // Only iss was wrong: the untouched answer still redeems, so the refusals were the library's.
      const tokens = await client.authorizationCodeGrant(config, answer, checks);
      expect(tokens.access_token).toEqual(expect.any(String));
    });

    it('refuses an answer for another state (RFC 6749 §10.12)', async () => {
      const config = await discover(t.publicClientId, client.None());
      const { url, checks } = await authorizationRequest(config);
      const answer = await approveInBrowser(t.issuer, url);
      await expect(
        client.authorizationCodeGrant(config, answer, { ...checks, expectedState: 'other' }),
      ).rejects.toMatchObject(refusedBecause('unexpected "state" response parameter value'));
    });
  },
);
