import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestingModule } from '@nestjs/testing';
import { digest } from '../../crypto/digest.js';
import type { SentinelClient } from '../../storage/client-store.js';
import {
  createClient,
  grantContext,
  oauthError,
  openTokenBackend,
  tokenTestingModule,
  type TokenBackend,
} from '../../../test/token/token-testing.js';
import { INVALID_CREDENTIALS, PasswordGrant } from './password.grant.js';

describe('PasswordGrant (RFC 6749 §4.3; docs/security.md 4, 6)', () => {
  let backend: TokenBackend;
  let module: TestingModule;
  let grant: PasswordGrant;
  let client: SentinelClient;
  let noRefreshClient: SentinelClient;

  beforeAll(async () => {
    backend = await openTokenBackend('memory', 'password-grant');
    module = await tokenTestingModule(backend).compile();
    grant = module.get(PasswordGrant);
    client = (await backend.clients.findById((await createClient(backend.clients)).clientId))!;
    noRefreshClient = (await backend.clients.findById(
      (await createClient(backend.clients, { grantTypes: ['password'] })).clientId,
    ))!;
    await backend.users.create({ username: 'alice', password: 'wonderland' });
    await backend.users.create({ username: 'reader', password: 'books', scope: 'read' });
    await backend.users.create({ username: 'gone', password: 'away', disabled: true });
  });

  afterAll(async () => {
    await module.close();
    await backend.close();
  });

  const login = (extra: Record<string, string> = {}, forClient = client) =>
    grant.handle(grantContext({ username: 'alice', password: 'wonderland', ...extra }, forClient));

  it('issues a Bearer pair with the client’s full scope when scope is omitted', async () => {
    const response = await login();
    expect(response).toMatchObject({
      token_type: 'Bearer',
      expires_in: backend.options.accessTokenTtl,
      scope: 'read write',
    });
    expect(typeof response.refresh_token).toBe('string');
    const record = await backend.tokens.findByAccessDigest(digest(response.access_token));
    expect(record).toMatchObject({
      clientId: client.clientId,
      scope: 'read write',
      revoked: false,
    });
  });

  it('issues no refresh token when the client does not list refresh_token', async () => {
    const response = await login({}, noRefreshClient);
    expect('refresh_token' in response).toBe(false);
  });

  it('grants a requested subset of the scope, deduplicated', async () => {
    expect((await login({ scope: 'write write' })).scope).toBe('write');
  });

  it('refuses a scope beyond the client’s with invalid_scope', async () => {
    expect((await oauthError(login({ scope: 'read admin' }))).body).toMatchObject({
      error: 'invalid_scope',
    });
  });

  it('refuses a malformed scope with invalid_scope', async () => {
    expect((await oauthError(login({ scope: 'read "x"' }))).body).toMatchObject({
      error: 'invalid_scope',
    });
  });

  it('limits a user with a scope to it, by default and on request', async () => {
    const reader = { username: 'reader', password: 'books' };
    expect((await grant.handle(grantContext(reader, client))).scope).toBe('read');
    const result = await oauthError(
      grant.handle(grantContext({ ...reader, scope: 'write' }, client)),
    );
    expect(result.body).toMatchObject({ error: 'invalid_scope' });
  });

  it.each([['username'], ['password']])(
    'answers a missing %s with invalid_request',
    async (name) => {
      const form: Record<string, string> = { username: 'alice', password: 'wonderland' };
      delete form[name];
      const result = await oauthError(grant.handle(grantContext(form, client)));
      expect(result).toEqual({
        status: 400,
        headers: {},
        body: { error: 'invalid_request', error_description: `Missing parameter: ${name}` },
      });
    },
  );

  it('gives byte-identical invalid_grant for an unknown user and a wrong password', async () => {
    const unknown = await oauthError(
      grant.handle(grantContext({ username: 'mallory', password: 'x' }, client)),
    );
    const wrong = await oauthError(
      grant.handle(grantContext({ username: 'alice', password: 'x' }, client)),
    );
    expect(JSON.stringify(unknown)).toBe(JSON.stringify(wrong));
    expect(wrong).toEqual({
      status: 400,
      headers: {},
      body: { error: 'invalid_grant', error_description: INVALID_CREDENTIALS },
    });
  });

  it('refuses a disabled user with the same invalid_grant', async () => {
    const result = await oauthError(
      grant.handle(grantContext({ username: 'gone', password: 'away' }, client)),
    );
    expect(result.body).toEqual({ error: 'invalid_grant', error_description: INVALID_CREDENTIALS });
  });

  it('refuses a password over 72 bytes that starts with the right one (no truncation)', async () => {
    const result = await oauthError(login({ password: 'wonderland'.padEnd(80, 'x') }));
    expect(result.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('lets a user hold many live tokens: two logins give two working pairs', async () => {
    const first = await login();
    const second = await login();
    expect(first.access_token).not.toBe(second.access_token);
    for (const response of [first, second]) {
      const record = await backend.tokens.findByAccessDigest(digest(response.access_token));
      expect(record?.revoked).toBe(false);
      expect(await backend.cache.get(digest(response.access_token))).toMatchObject({
        client_id: client.clientId,
      });
    }
  });
});
