import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import { s256Challenge } from '../../authorization/pkce.js';
import { digest } from '../../crypto/digest.js';
import { generateToken } from '../../crypto/token-generator.js';
import { AuthorizationCodeStore } from '../../storage/authorization-code-store.js';
import type { SentinelClient } from '../../storage/client-store.js';
import { MemoryAuthorizationCodeStore } from '../../storage/memory/memory-authorization-code.store.js';
import {
  createClient,
  grantContext,
  oauthError,
  openTokenBackend,
  tokenTestingModule,
  type TokenBackend,
} from '../../../test/token/token-testing.js';
import { AuthorizationCodeGrant, INVALID_CODE } from './authorization-code.grant.js';

const INVALID_GRANT = { error: 'invalid_grant', error_description: INVALID_CODE };
const REDIRECT = 'https://app.example.com/cb';

describe('AuthorizationCodeGrant (RFC 6749 §4.1.3, RFC 7636 §4.6; docs/security.md 24, 25, 32)', () => {
  let backend: TokenBackend;
  let module: TestingModule;
  let grant: AuthorizationCodeGrant;
  let codes: MemoryAuthorizationCodeStore;
  let client: SentinelClient;
  let otherClient: SentinelClient;
  let userId: string;

  beforeEach(async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    backend = await openTokenBackend('memory', 'code-grant', { accessTokenTtl: 600 });
    codes = new MemoryAuthorizationCodeStore();
    module = await tokenTestingModule(backend)
      .overrideProvider(AuthorizationCodeStore)
      .useValue(codes)
      .compile();
    grant = module.get(AuthorizationCodeGrant);
    const web = await createClient(backend.clients, {
      clientType: 'public',
      // authorization_code is not registered yet (issue 13): the grant is called directly here.
      grantTypes: ['refresh_token'],
      redirectUris: [REDIRECT],
    });
    client = (await backend.clients.findById(web.clientId))!;
    const other = await createClient(backend.clients, { clientType: 'public' });
    otherClient = (await backend.clients.findById(other.clientId))!;
    userId = (await backend.users.create({ username: 'ada', password: 'correct horse' })).id;
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await module.close();
    await backend.close();
  });

  /** Mints a code as the authorization endpoint will: digest, challenge, family. */
  async function mint(
    overrides: { redirectUriGiven?: boolean; lifetimeMs?: number; withoutChallenge?: boolean } = {},
  ) {
    const code = generateToken();
    const verifier = generateToken() + generateToken();
    const now = backend.clock.now();
    const familyId = generateToken();
    await codes.insert({
      codeDigest: digest(code),
      clientId: client.clientId,
      userId,
      redirectUri: REDIRECT,
      redirectUriGiven: overrides.redirectUriGiven ?? true,
      scope: 'read',
      codeChallenge: overrides.withoutChallenge ? null : s256Challenge(verifier),
      familyId,
      issuedAt: new Date(now),
      expiresAt: new Date(now + (overrides.lifetimeMs ?? 60_000)),
    });
    return { code, verifier, familyId };
  }

  const redeem = (form: Record<string, string>, by: SentinelClient = client) =>
    grant.handle(grantContext({ grant_type: 'authorization_code', ...form }, by));

  it('issues tokens of the code’s family, with a refresh token when the client lists it', async () => {
    const { code, verifier, familyId } = await mint();
    const response = await redeem({ code, code_verifier: verifier, redirect_uri: REDIRECT });
    expect(response).toMatchObject({ token_type: 'Bearer', expires_in: 600, scope: 'read' });
    expect(response.refresh_token).toEqual(expect.any(String));
    const record = await backend.tokens.findByAccessDigest(digest(response.access_token));
    expect(record).toMatchObject({ userId, clientId: client.clientId, familyId, revoked: false });
  });

  it('requires code and code_verifier (invalid_request)', async () => {
    expect((await oauthError(redeem({ code_verifier: 'x'.repeat(43) }))).body).toMatchObject({
      error: 'invalid_request',
    });
    const { code } = await mint();
    expect((await oauthError(redeem({ code, redirect_uri: REDIRECT }))).body).toMatchObject({
      error: 'invalid_request',
    });
  });

  it('a code issued without a challenge (PKCE relaxed) is redeemed without a verifier, and refused with one (downgrade)', async () => {
    const plain = await mint({ withoutChallenge: true });
    const response = await redeem({ code: plain.code, redirect_uri: REDIRECT });
    expect(response.access_token).toEqual(expect.any(String));
    const downgrade = await mint({ withoutChallenge: true });
    const refused = await oauthError(
      redeem({ code: downgrade.code, code_verifier: downgrade.verifier, redirect_uri: REDIRECT }),
    );
    expect(refused.body).toEqual(INVALID_GRANT);
  });

  it.each<[string, (minted: { code: string; verifier: string }) => Record<string, string>]>([
    ['a wrong verifier', ({ code }) => ({ code, code_verifier: generateToken() + 'aa' })],
    [
      'the challenge as the verifier (plain)',
      ({ code, verifier }) => ({
        code,
        code_verifier: s256Challenge(verifier),
      }),
    ],
    [
      'another redirect URI',
      ({ code, verifier }) => ({
        code,
        code_verifier: verifier,
        redirect_uri: 'https://app.example.com/other',
      }),
    ],
    [
      'no redirect URI although the request named one',
      ({ code, verifier }) => ({
        code,
        code_verifier: verifier,
      }),
    ],
  ])('refuses %s with invalid_grant, and the code stays used up', async (_why, form) => {
    const minted = await mint();
    expect((await oauthError(redeem({ ...form(minted) }))).body).toEqual(INVALID_GRANT);
    const retry = redeem({
      code: minted.code,
      code_verifier: minted.verifier,
      redirect_uri: REDIRECT,
    });
    expect((await oauthError(retry)).body).toEqual(INVALID_GRANT);
  });

  it('refuses an unknown code', async () => {
    const error = await oauthError(
      redeem({ code: generateToken(), code_verifier: generateToken() + generateToken() }),
    );
    expect(error.body).toEqual(INVALID_GRANT);
  });

  it('refuses a code issued to another client', async () => {
    const { code, verifier } = await mint();
    const error = await oauthError(
      redeem({ code, code_verifier: verifier, redirect_uri: REDIRECT }, otherClient),
    );
    expect(error.body).toEqual(INVALID_GRANT);
  });

  it('needs no redirect_uri when the authorization request named none', async () => {
    const { code, verifier } = await mint({ redirectUriGiven: false });
    await expect(redeem({ code, code_verifier: verifier })).resolves.toMatchObject({
      scope: 'read',
    });
  });

  it('refuses an expired code (fake clock) and a disabled user', async () => {
    const expired = await mint({ lifetimeMs: 60_000 });
    backend.clock.advanceSeconds(60);
    const late = redeem({
      code: expired.code,
      code_verifier: expired.verifier,
      redirect_uri: REDIRECT,
    });
    expect((await oauthError(late)).body).toEqual(INVALID_GRANT);

    const fresh = await mint();
    await backend.users.update(userId, { disabled: true });
    const disabled = redeem({
      code: fresh.code,
      code_verifier: fresh.verifier,
      redirect_uri: REDIRECT,
    });
    expect((await oauthError(disabled)).body).toEqual(INVALID_GRANT);
  });

  it('refuses a second redemption and revokes the tokens of the first (RFC 6749 §4.1.2)', async () => {
    const { code, verifier } = await mint();
    const form = { code, code_verifier: verifier, redirect_uri: REDIRECT };
    const first = await redeem(form);
    expect((await oauthError(redeem(form))).body).toEqual(INVALID_GRANT);
    const record = await backend.tokens.findByAccessDigest(digest(first.access_token));
    expect(record?.revoked).toBe(true);
    expect(await backend.cache.get(digest(first.access_token))).toEqual({ revoked: true });
  });

  it('of 8 concurrent redemptions lets one win, and leaves none of its tokens live', async () => {
    for (let round = 0; round < 20; round += 1) {
      const { code, verifier } = await mint();
      const form = { code, code_verifier: verifier, redirect_uri: REDIRECT };
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => redeem(form)));
      const winners = results.filter((r) => r.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      const { access_token } = (winners[0] as PromiseFulfilledResult<{ access_token: string }>)
        .value;
      const record = await backend.tokens.findByAccessDigest(digest(access_token));
      expect(record?.revoked).toBe(true);
    }
  });
});
