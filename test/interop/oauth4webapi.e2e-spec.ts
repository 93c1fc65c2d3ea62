/**
 * oauth4webapi 3 (the low-level OAuth 2.0 toolkit under openid-client) against the module over
 * real HTTP, one explicit step at a time: RFC 8414 discovery and its issuer check (§3.3), PKCE
 * S256 (RFC 7636) and `state`, the built-in sign-in and consent pages, `validateAuthResponse`
 * (`state`, and `iss` per RFC 9207 since the metadata advertises it), the code grant and its
 * response, a protected-resource request with the access token (RFC 6750 §2.1), and a refresh —
 * for a public client (`none`) and a confidential one (`client_secret_basic`, RFC 6749 §2.3.1).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oauth from 'oauth4webapi';
import { BACKENDS, PLATFORMS } from '../module/module-testing.js';
import { REDIRECT_URI, approveInBrowser, startInteropApp, type InteropApp } from './interop-app.js';

const SUITES = BACKENDS.flatMap(([name, backend]) =>
  PLATFORMS.map((platform) => [`${name}, ${platform}`, backend, platform] as const),
);

/** The test server speaks plain http on loopback; every request opts in explicitly. */
const HTTP = { [oauth.allowInsecureRequests]: true } as const;

describe.each(SUITES)('oauth4webapi 3 authorization code flow (%s)', (_name, backend, platform) => {
  let t: InteropApp;
  let as: oauth.AuthorizationServer;

  beforeAll(async () => {
    t = await startInteropApp(backend(`oauth4webapi-${platform}`), platform);
    const issuer = new URL(t.issuer);
    const response = await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...HTTP });
    as = await oauth.processDiscoveryResponse(issuer, response);
  });

  afterAll(async () => {
    await t?.close();
  });

  const clients: Array<[string, () => { client: oauth.Client; auth: oauth.ClientAuth }]> = [
    [
      'public client, none',
      () => ({ client: { client_id: t.publicClientId }, auth: oauth.None() }),
    ],
    [
      'confidential client, client_secret_basic',
      () => ({
        client: { client_id: t.confidential.clientId },
        auth: oauth.ClientSecretBasic(t.confidential.clientSecret),
      }),
    ],
  ];

  /** The authorization URL from the discovered endpoint, with a fresh verifier and state. */
  async function authorizationRequest(client: oauth.Client) {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: REDIRECT_URI,
      scope: 'orders',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    }).toString();
    return { url, verifier, state };
  }

  it('discovery checks the issuer against the one asked for (RFC 8414 §3.3)', async () => {
    expect(as).toMatchObject({
      issuer: t.issuer,
      token_endpoint: `${t.issuer}/oauth/token`,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    });
    // The same document fetched as if for another issuer is refused by the library.
    const response = await oauth.discoveryRequest(new URL(t.issuer), {
      algorithm: 'oauth2',
      ...HTTP,
    });
    await expect(
      oauth.processDiscoveryResponse(new URL('http://localhost:1'), response),
    ).rejects.toMatchObject({
      code: oauth.JSON_ATTRIBUTE_COMPARISON,
      cause: { attribute: 'issuer' },
    });
  });

  it.each(clients)('%s: code, tokens, protected resource, refresh', async (_label, make) => {
    const { client, auth } = make();
    const { url, verifier, state } = await authorizationRequest(client);
    const answer = await approveInBrowser(t.issuer, url);

    const params = oauth.validateAuthResponse(as, client, answer, state);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(
        as,
        client,
        auth,
        params,
        REDIRECT_URI,
        verifier,
        HTTP,
      ),
    );
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'orders' });
    const me = await oauth.protectedResourceRequest(
      tokens.access_token,
      'GET',
      new URL('/api/me', t.issuer),
      undefined,
      undefined,
      HTTP,
    );
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ scope: ['orders'], clientId: client.client_id });

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, HTTP),
    );
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.scope).toBe('orders');
    // The code is single use (RFC 6749 §4.1.2): a second redemption is invalid_grant.
    await expect(
      oauth.processAuthorizationCodeResponse(
        as,
        client,
        await oauth.authorizationCodeGrantRequest(
          as,
          client,
          auth,
          params,
          REDIRECT_URI,
          verifier,
          HTTP,
        ),
      ),
    ).rejects.toMatchObject({ error: 'invalid_grant', status: 400 });
    // ... and revokes every token issued from the code, refreshed ones included.
    // (a 401 with a Bearer challenge, RFC 6750 §3, which the library raises as an error)
    await expect(
      oauth.protectedResourceRequest(
        refreshed.access_token,
        'GET',
        new URL('/api/me', t.issuer),
        undefined,
        undefined,
        HTTP,
      ),
    ).rejects.toMatchObject({
      code: oauth.WWW_AUTHENTICATE_CHALLENGE,
      status: 401,
      cause: [
        expect.objectContaining({
          scheme: 'bearer',
          parameters: expect.objectContaining({ error: 'invalid_token' }),
        }),
      ],
    });
  });

  it('a wrong code_verifier is invalid_grant (RFC 7636 §4.6)', async () => {
    const [, make] = clients[0];
    const { client, auth } = make();
    const { url, state } = await authorizationRequest(client);
    const params = oauth.validateAuthResponse(
      as,
      client,
      await approveInBrowser(t.issuer, url),
      state,
    );
    const other = oauth.generateRandomCodeVerifier();
    await expect(
      oauth.processAuthorizationCodeResponse(
        as,
        client,
        await oauth.authorizationCodeGrantRequest(
          as,
          client,
          auth,
          params,
          REDIRECT_URI,
          other,
          HTTP,
        ),
      ),
    ).rejects.toMatchObject({ error: 'invalid_grant', status: 400 });
  });

  it('validateAuthResponse refuses another iss, a missing iss and another state (RFC 9207 §2.4)', async () => {
    const client = { client_id: t.publicClientId };
    const { url, state } = await authorizationRequest(client);
    const answer = await approveInBrowser(t.issuer, url);
    expect(answer.searchParams.get('iss')).toBe(t.issuer);

    const forged = new URL(answer);
    forged.searchParams.set('iss', 'https://attacker.example');
    expect(() => oauth.validateAuthResponse(as, client, forged, state)).toThrow(
      'unexpected "iss" (issuer) response parameter value',
    );
    const stripped = new URL(answer);
    stripped.searchParams.delete('iss');
    expect(() => oauth.validateAuthResponse(as, client, stripped, state)).toThrow(
      'response parameter "iss" (issuer) missing',
    );
    expect(() => oauth.validateAuthResponse(as, client, answer, 'other')).toThrow(
      'unexpected "state" response parameter value',
    );
    // The untouched answer passes: the refusals came from the tampering alone.
    expect(oauth.validateAuthResponse(as, client, answer, state).get('code')).toEqual(
      expect.any(String),
    );
  });
});
