import { describe, expect, it } from '@jest/globals';
import { SentinelConfigError } from '../../options/option-checks.js';
import type { Grant } from './grant.js';
import { GrantRegistry, MAX_GRANTS } from './grant-registry.js';

class ExampleGrant implements Grant {
  handle(): never {
    throw new Error('not called');
  }
}

function fieldOf(hostGrants: unknown): string | undefined {
  try {
    GrantRegistry.of(hostGrants);
  } catch (error) {
    expect(error).toBeInstanceOf(SentinelConfigError);
    return (error as SentinelConfigError).field;
  }
  return undefined;
}

describe('GrantRegistry', () => {
  it('holds the built-in grants, client_credentials for confidential clients only', () => {
    const registry = GrantRegistry.of();
    expect(registry.grantTypes).toEqual([
      'authorization_code',
      'password',
      'refresh_token',
      'client_credentials',
      'urn:ietf:params:oauth:grant-type:device_code',
    ]);
    expect(registry.requiresConfidentialClient('client_credentials')).toBe(true);
    // RFC 8628 §5.6: devices are usually public clients.
    expect(
      registry.requiresConfidentialClient('urn:ietf:params:oauth:grant-type:device_code'),
    ).toBe(false);
    expect(registry.requiresConfidentialClient('password')).toBe(false);
    expect(registry.has('implicit')).toBe(false);
  });

  it('appends host grants, by grant name or absolute URI (RFC 6749 §4.5, Appendix A.10)', () => {
    const registry = GrantRegistry.of([
      { grantType: 'urn:example:params:oauth:grant-type:otp', useClass: ExampleGrant },
      { grantType: 'magic_link', useClass: ExampleGrant, confidentialClientsOnly: true },
    ]);
    expect(registry.grantTypes.slice(5)).toEqual([
      'urn:example:params:oauth:grant-type:otp',
      'magic_link',
    ]);
    expect(registry.requiresConfidentialClient('magic_link')).toBe(true);
    expect(registry.requiresConfidentialClient('urn:example:params:oauth:grant-type:otp')).toBe(
      false,
    );
  });

  it.each([
    [{ grants: [] }, 'grants'],
    [[null], 'grants[0]'],
    [[{ grantType: 'has space', useClass: ExampleGrant }], 'grants[0].grantType'],
    [[{ grantType: '', useClass: ExampleGrant }], 'grants[0].grantType'],
    [[{ grantType: 'urn:x', useClass: 'ExampleGrant' }], 'grants[0].useClass'],
    [
      [{ grantType: 'urn:x', useClass: ExampleGrant, confidentialClientsOnly: 'yes' }],
      'grants[0].confidentialClientsOnly',
    ],
    [[{ grantType: 'password', useClass: ExampleGrant }], 'grants[0].grantType'],
    [
      [
        { grantType: 'urn:x', useClass: ExampleGrant },
        { grantType: 'urn:x', useClass: ExampleGrant },
      ],
      'grants[1].grantType',
    ],
    [
      Array.from({ length: MAX_GRANTS }, (_, i) => ({
        grantType: `g${i}`,
        useClass: ExampleGrant,
      })),
      'grants',
    ],
  ])('refuses %j naming "%s"', (hostGrants, field) => {
    expect(fieldOf(hostGrants)).toBe(field);
  });
});
