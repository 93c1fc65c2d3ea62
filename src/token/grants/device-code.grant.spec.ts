import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { digest } from '../../crypto/digest.js';
import { generateToken } from '../../crypto/token-generator.js';
import { DeviceCodeStore } from '../../device/device-code.store.js';
import { DEVICE_CODES } from '../../device/device.tokens.js';
import { MemoryExpiringStore } from '../../interaction/memory-expiring.store.js';
import { TokenRevocationService } from '../../revocation/token-revocation.service.js';
import type { SentinelClient } from '../../storage/client-store.js';
import {
  createClient,
  grantContext,
  oauthError,
  openTokenBackend,
  type TokenBackend,
} from '../../../test/token/token-testing.js';
import { TokenIssuerService } from '../token-issuer.service.js';
import { TOKEN_PROVIDERS } from '../token.providers.js';
import { DeviceCodeGrant, INVALID_DEVICE_CODE } from './device-code.grant.js';
import type { TokenResponse } from './grant.js';

/**
 * The interleaving the e2e suite can only hope to hit: a second redemption that revokes the
 * family while the winner's tokens are still being stored (ADR 0022). The winner's re-check
 * after issuing must revoke them.
 */
describe('DeviceCodeGrant (RFC 8628 §3.5; docs/security.md 12)', () => {
  let backend: TokenBackend;
  let module: TestingModule;
  let grant: DeviceCodeGrant;
  let store: DeviceCodeStore;
  let client: SentinelClient;
  let userId: string;

  beforeEach(async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    backend = await openTokenBackend('memory', 'device-grant');
    store = new DeviceCodeStore(new MemoryExpiringStore(backend.clock));
    module = await Test.createTestingModule({
      providers: [
        ...TOKEN_PROVIDERS,
        ...backend.providers,
        { provide: DEVICE_CODES, useValue: store },
      ],
    }).compile();
    grant = module.get(DeviceCodeGrant);
    const created = await createClient(backend.clients, { clientType: 'public' });
    client = (await backend.clients.findById(created.clientId))!;
    userId = (await backend.users.create({ username: 'tv-viewer', password: 'correct horse' })).id;
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await module.close();
    await backend.close();
  });

  async function approvedCode(): Promise<{ deviceCode: string; familyId: string }> {
    const now = backend.clock.now();
    const familyId = generateToken();
    const { deviceCode } = await store.create(
      {
        clientId: client.clientId,
        scope: null,
        requestedAt: now,
        expiresAt: now + 600_000,
        familyId,
      },
      now,
    );
    const found = (await store.findByDeviceCode(deviceCode))!;
    await store.decide(
      found.deviceDigest,
      found.authorization,
      { outcome: 'approved', userId, scope: 'orders' },
      now,
    );
    return { deviceCode, familyId };
  }

  it('revokes the winner’s tokens when a reuse revoked the family before they were stored', async () => {
    const { deviceCode, familyId } = await approvedCode();
    const issuer = module.get(TokenIssuerService);
    const revocation = module.get(TokenRevocationService);
    const revokeFamily = jest.spyOn(revocation, 'revokeFamily');
    const issue = issuer.issue.bind(issuer);
    let reuse: Promise<unknown> | undefined;
    jest.spyOn(issuer, 'issue').mockImplementation(async (request) => {
      // The second poll runs to completion (and revokes the still empty family) first.
      reuse = oauthError(grant.handle(grantContext({ device_code: deviceCode }, client)));
      expect(await reuse).toMatchObject({ body: { error: 'invalid_grant' } });
      return issue(request);
    });
    const response: TokenResponse = await grant.handle(
      grantContext({ device_code: deviceCode }, client),
    );
    expect(reuse).toBeDefined();
    expect(revokeFamily.mock.calls).toEqual([[familyId], [familyId]]);
    const record = await backend.tokens.findByAccessDigest(digest(response.access_token));
    expect(record?.revoked).toBe(true);
  });

  it('leaves the tokens alone when nobody else redeemed the code', async () => {
    const { deviceCode } = await approvedCode();
    const revokeFamily = jest.spyOn(module.get(TokenRevocationService), 'revokeFamily');
    const response = await grant.handle(grantContext({ device_code: deviceCode }, client));
    expect(revokeFamily).not.toHaveBeenCalled();
    const record = await backend.tokens.findByAccessDigest(digest(response.access_token));
    expect(record?.revoked).toBe(false);
    expect(
      await oauthError(grant.handle(grantContext({ device_code: deviceCode }, client))),
    ).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant', error_description: INVALID_DEVICE_CODE },
    });
  });
});
