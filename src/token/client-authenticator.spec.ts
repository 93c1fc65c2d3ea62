import { beforeAll, describe, expect, it } from '@jest/globals';
import { OAuthException } from '../errors/oauth.exception.js';
import { resolveSentinelOptions } from '../options/resolve-options.js';
import { MemoryClientStore } from '../storage/memory/memory-client.store.js';
import { basic } from '../../test/token/token-testing.js';
import { GrantRegistry } from './grants/grant-registry.js';
import { ClientAuthenticator } from './client-authenticator.js';

const options = resolveSentinelOptions({ bcryptCost: 10, realm: 'unit-realm' });
const CHALLENGE = 'Basic realm="unit-realm", charset="UTF-8"';

interface Failure {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: object;
}

async function failure(promise: Promise<unknown>): Promise<Failure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OAuthException) {
      return { status: error.getStatus(), headers: error.headers, body: error.toBody() };
    }
    throw error;
  }
  throw new Error('expected an OAuthException');
}

const INVALID_CLIENT = {
  error: 'invalid_client',
  error_description: 'Client authentication failed',
};

describe('ClientAuthenticator (docs/security.md 5)', () => {
  const store = new MemoryClientStore(GrantRegistry.of());
  const authenticator = new ClientAuthenticator(store, options);
  let confidential: { id: string; secret: string };
  let publicId: string;

  beforeAll(async () => {
    const created = await store.create({
      clientName: 'c',
      clientType: 'confidential',
      grantTypes: ['password'],
      scope: '',
    });
    confidential = { id: created.client.clientId, secret: created.clientSecret! };
    publicId = (
      await store.create({
        clientName: 'p',
        clientType: 'public',
        grantTypes: ['password'],
        scope: '',
      })
    ).client.clientId;
  });

  describe('HTTP Basic (RFC 6749 §2.3.1)', () => {
    it('authenticates a confidential client', async () => {
      const client = await authenticator.authenticate(
        {},
        basic(confidential.id, confidential.secret),
      );
      expect(client.clientId).toBe(confidential.id);
    });

    it('accepts the scheme name in any case', async () => {
      const header = basic(confidential.id, confidential.secret).replace('Basic', 'bAsIc');
      expect((await authenticator.authenticate({}, header)).clientId).toBe(confidential.id);
    });

    it('authenticates a public client with an empty password', async () => {
      expect((await authenticator.authenticate({}, basic(publicId))).clientId).toBe(publicId);
    });

    it('refuses a wrong secret with 401 and a Basic challenge', async () => {
      const result = await failure(authenticator.authenticate({}, basic(confidential.id, 'nope')));
      expect(result).toEqual({
        status: 401,
        headers: { 'WWW-Authenticate': CHALLENGE },
        body: INVALID_CLIENT,
      });
    });

    it('refuses an unknown client identically to a wrong secret', async () => {
      const unknown = await failure(authenticator.authenticate({}, basic('ghost', 'secret')));
      const wrong = await failure(authenticator.authenticate({}, basic(confidential.id, 'nope')));
      expect(unknown).toEqual(wrong);
    });

    it.each([
      ['another scheme', 'Bearer abc'],
      ['no credentials', 'Basic'],
      ['bad base64 characters', 'Basic !!!!'],
      ['base64 of the wrong length', 'Basic YWJjZA='],
      ['no colon', `Basic ${Buffer.from('clientonly').toString('base64')}`],
      ['bad percent-encoding', `Basic ${Buffer.from('%E0%A4%A:x').toString('base64')}`],
      ['an empty client id', `Basic ${Buffer.from(':secret').toString('base64')}`],
      ['bytes that are not UTF-8', `Basic ${Buffer.from([0xff, 0x3a, 0x61]).toString('base64')}`],
      ['an empty header', ''],
    ])('refuses a header with %s as 401 invalid_client, never 500', async (_label, header) => {
      const result = await failure(authenticator.authenticate({}, header));
      expect(result).toEqual({
        status: 401,
        headers: { 'WWW-Authenticate': CHALLENGE },
        body: INVALID_CLIENT,
      });
    });

    it('form-urlencodes id and secret inside Basic ("+" is a space, %XX decoded)', async () => {
      const odd = new ClientAuthenticator(
        {
          findById: async () => null,
          verifySecret: async (id: string, secret: string) =>
            id === 'my client:1' && secret === 's3cr+t é'
              ? {
                  clientId: id,
                  clientName: 'x',
                  clientType: 'confidential',
                  grantTypes: [],
                  scope: '',
                  createdAt: new Date(),
                  updatedAt: new Date(),
                }
              : null,
        } as never,
        options,
      );
      const header = `Basic ${Buffer.from('my+client%3A1:s3cr%2Bt+%C3%A9').toString('base64')}`;
      expect((await odd.authenticate({}, header)).clientId).toBe('my client:1');
    });
  });

  describe('client_secret_post', () => {
    it('authenticates a confidential client with id and secret in the body', async () => {
      const client = await authenticator.authenticate(
        { client_id: confidential.id, client_secret: confidential.secret },
        undefined,
      );
      expect(client.clientId).toBe(confidential.id);
    });

    it('authenticates a public client by client_id alone', async () => {
      expect((await authenticator.authenticate({ client_id: publicId }, undefined)).clientId).toBe(
        publicId,
      );
    });

    it('refuses a confidential client that sends no secret, without a challenge', async () => {
      const result = await failure(
        authenticator.authenticate({ client_id: confidential.id }, undefined),
      );
      expect(result).toEqual({ status: 401, headers: {}, body: INVALID_CLIENT });
    });

    it('refuses a public client that sends a secret', async () => {
      const result = await failure(
        authenticator.authenticate({ client_id: publicId, client_secret: 'anything' }, undefined),
      );
      expect(result).toEqual({ status: 401, headers: {}, body: INVALID_CLIENT });
    });

    it('refuses an unknown client', async () => {
      expect(
        (await failure(authenticator.authenticate({ client_id: 'ghost' }, undefined))).status,
      ).toBe(401);
    });

    it('refuses a request with no client_id at all with 401 invalid_client', async () => {
      const result = await failure(authenticator.authenticate({ client_secret: 'x' }, undefined));
      expect(result).toEqual({ status: 401, headers: {}, body: INVALID_CLIENT });
      expect((await failure(authenticator.authenticate({}, undefined))).status).toBe(401);
    });
  });

  describe('two methods at once', () => {
    it('refuses Basic plus a body client_secret with 400 invalid_request', async () => {
      const result = await failure(
        authenticator.authenticate(
          { client_id: confidential.id, client_secret: confidential.secret },
          basic(confidential.id, confidential.secret),
        ),
      );
      expect(result.status).toBe(400);
      expect(result.body).toMatchObject({ error: 'invalid_request' });
    });

    it('refuses Basic plus a different body client_id with 400 invalid_request', async () => {
      const result = await failure(
        authenticator.authenticate(
          { client_id: publicId },
          basic(confidential.id, confidential.secret),
        ),
      );
      expect(result.status).toBe(400);
    });

    it('allows a body client_id equal to the Basic one', async () => {
      const client = await authenticator.authenticate(
        { client_id: confidential.id },
        basic(confidential.id, confidential.secret),
      );
      expect(client.clientId).toBe(confidential.id);
    });
  });
});
