/**
 * simple-oauth2 (a widely used Node OAuth 2.0 client) against the module over real HTTP: the
 * password grant, a refresh, and `revokeAll()`, which requires every response — the revocation
 * endpoint's too (RFC 7009 §2.2) — to be JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { ResourceOwnerPassword } from 'simple-oauth2';
import { SentinelModule } from '../../src/index.js';
import {
  BACKENDS,
  startProtocolApp,
  callApi,
  createTestClient,
} from '../revocation/protocol-testing.js';

const USER = { username: 'interop-user', password: 'correct horse battery staple' };

describe.each(BACKENDS)('simple-oauth2 5 against the module (%s)', (_name, backend) => {
  let app: INestApplication;
  let client: ResourceOwnerPassword;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const started = await startProtocolApp(backend('simple-oauth2'), {
      register: (options) => SentinelModule.forRoot(options),
    });
    app = started.app;
    close = started.close;
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    await started.users.create({ ...USER, scope: 'orders profile' });
    const registered = await createTestClient(started.clients);
    client = new ResourceOwnerPassword({
      client: { id: registered.clientId, secret: registered.clientSecret! },
      auth: {
        tokenHost: `http://127.0.0.1:${port}`,
        tokenPath: '/oauth/token',
        revokePath: '/oauth/revoke',
      },
    });
  });

  afterAll(async () => {
    await close?.();
  });

  it('gets a token, refreshes it, and revokes both tokens with revokeAll()', async () => {
    const token = await client.getToken({ ...USER, scope: 'orders' });
    expect(token.token.token_type).toBe('Bearer');
    expect((await callApi(app, token.token.access_token as string)).status).toBe(200);

    const refreshed = await token.refresh();
    const access = refreshed.token.access_token as string;
    expect((await callApi(app, access)).status).toBe(200);

    await expect(refreshed.revokeAll()).resolves.toBeUndefined();
    expect((await callApi(app, access)).status).toBe(401);
    await expect(refreshed.refresh()).rejects.toMatchObject({
      data: { payload: { error: 'invalid_grant' } },
    });
  });
});
