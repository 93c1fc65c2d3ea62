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
import type { Grant } from './grant.js';
import { TOKEN_GRANTS } from './grant-providers.js';
import { ClientCredentialsGrant } from './client-credentials.grant.js';

describe('ClientCredentialsGrant (RFC 6749 §4.4; docs/security.md 7)', () => {
  let backend: TokenBackend;
  let module: TestingModule;
  let grant: ClientCredentialsGrant;
  let service: SentinelClient;

  beforeAll(async () => {
    backend = await openTokenBackend('memory', 'client-credentials-grant');
    module = await tokenTestingModule(backend).compile();
    grant = module.get(ClientCredentialsGrant);
    const created = await createClient(backend.clients, {
      grantTypes: ['client_credentials', 'refresh_token'],
      scope: 'reports:read reports:write',
    });
    service = (await backend.clients.findById(created.clientId))!;
  });

  afterAll(async () => {
    await module.close();
    await backend.close();
  });

  it('is registered with the token service', () => {
    const grants = module.get<ReadonlyMap<string, Grant>>(TOKEN_GRANTS);
    expect(grants.get('client_credentials')).toBe(grant);
  });

  it('issues an access token without a user and without a refresh token', async () => {
    const response = await grant.handle(grantContext({}, service));
    expect(response).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: backend.options.accessTokenTtl,
      scope: 'reports:read reports:write',
    });
    const record = await backend.tokens.findByAccessDigest(digest(response.access_token));
    expect(record).toMatchObject({
      userId: null,
      clientId: service.clientId,
      refreshTokenDigest: null,
      refreshExpiresAt: null,
    });
  });

  it('narrows to the requested scope', async () => {
    expect((await grant.handle(grantContext({ scope: 'reports:read' }, service))).scope).toBe(
      'reports:read',
    );
  });

  it('refuses a scope beyond the client’s with invalid_scope', async () => {
    const error = await oauthError(grant.handle(grantContext({ scope: 'admin' }, service)));
    expect(error.status).toBe(400);
    expect(error.body).toMatchObject({ error: 'invalid_scope' });
  });

  it('refuses a malformed scope with invalid_scope', async () => {
    const error = await oauthError(grant.handle(grantContext({ scope: 'a"b' }, service)));
    expect(error.body).toMatchObject({ error: 'invalid_scope' });
  });

  it('refuses a public client with unauthorized_client, even one that lists the grant', async () => {
    const rogue: SentinelClient = {
      ...service,
      clientType: 'public',
      grantTypes: ['client_credentials'],
    };
    const error = await oauthError(grant.handle(grantContext({}, rogue)));
    expect(error.status).toBe(400);
    expect(error.body).toMatchObject({ error: 'unauthorized_client' });
  });
});
