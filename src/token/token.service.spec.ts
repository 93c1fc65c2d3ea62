import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { TestingModule } from '@nestjs/testing';
import {
  createClient,
  oauthError,
  openTokenBackend,
  tokenTestingModule,
  type TokenBackend,
} from '../../test/token/token-testing.js';
import { TokenService } from './token.service.js';

describe('TokenService dispatch (docs/security.md "The password grant")', () => {
  let backend: TokenBackend;
  let module: TestingModule;
  let service: TokenService;
  let passwordClient: { clientId: string; clientSecret?: string };
  let refreshOnlyClient: { clientId: string; clientSecret?: string };

  beforeAll(async () => {
    backend = await openTokenBackend('memory', 'service');
    module = await tokenTestingModule(backend).compile();
    service = module.get(TokenService);
    passwordClient = await createClient(backend.clients);
    refreshOnlyClient = await createClient(backend.clients, { grantTypes: ['refresh_token'] });
    await backend.users.create({ username: 'alice', password: 'wonderland' });
  });

  afterAll(async () => {
    await module.close();
    await backend.close();
  });

  const credentials = (client: { clientId: string; clientSecret?: string }) => ({
    client_id: client.clientId,
    client_secret: client.clientSecret!,
  });

  it('authenticates the client before looking at grant_type', async () => {
    const result = await oauthError(
      service.exchange({ client_id: passwordClient.clientId, client_secret: 'wrong' }, undefined),
    );
    expect(result.status).toBe(401);
    expect(result.body).toMatchObject({ error: 'invalid_client' });
  });

  it('answers a missing grant_type with invalid_request', async () => {
    const result = await oauthError(service.exchange(credentials(passwordClient), undefined));
    expect(result).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it.each(['implicit', 'urn:ietf:params:oauth:grant-type:saml2-bearer', 'token'])(
    'answers grant_type=%s with unsupported_grant_type',
    async (grantType) => {
      const result = await oauthError(
        service.exchange({ ...credentials(passwordClient), grant_type: grantType }, undefined),
      );
      expect(result).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
    },
  );

  it('refuses the password grant with unauthorized_client for a client that does not list it', async () => {
    const result = await oauthError(
      service.exchange(
        {
          ...credentials(refreshOnlyClient),
          grant_type: 'password',
          username: 'alice',
          password: 'wonderland',
        },
        undefined,
      ),
    );
    expect(result).toEqual({
      status: 400,
      headers: {},
      body: {
        error: 'unauthorized_client',
        error_description: 'The client may not use this grant type',
      },
    });
  });

  it('dispatches to the password grant for a client that lists it', async () => {
    const response = await service.exchange(
      {
        ...credentials(passwordClient),
        grant_type: 'password',
        username: 'alice',
        password: 'wonderland',
      },
      undefined,
    );
    expect(response.token_type).toBe('Bearer');
  });
});
