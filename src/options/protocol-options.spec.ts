import { describe, expect, it } from '@jest/globals';
import { METADATA_WELL_KNOWN_PATH } from './protocol-options.js';
import { resolveSentinelOptions } from './resolve-options.js';
import { SentinelConfigError } from './option-checks.js';
import type { SentinelModuleOptions } from '../sentinel-options.js';
import { pickRoutes, withMountedRoutes } from './route-options.js';
import { buildMetadata } from '../metadata/authorization-server-metadata.js';

describe('options of the protocol endpoints', () => {
  it('defaults: revoke and introspect under the prefix, metadata at the root', () => {
    const resolved = resolveSentinelOptions();
    expect(resolved).toMatchObject({
      revocationPath: '/oauth/revoke',
      introspectionPath: '/oauth/introspect',
      metadataPath: METADATA_WELL_KNOWN_PATH,
      introspection: { resourceServers: [], rateLimit: { limit: 1000, windowSeconds: 60 } },
    });
    expect(resolved.issuer).toBeUndefined();
    expect(resolved.scopesSupported).toBeUndefined();
  });

  it('honours paths, false, and a root prefix', () => {
    const resolved = resolveSentinelOptions({
      routePrefix: '/',
      revocationPath: 'logout',
      introspectionPath: false,
      metadata: false,
    });
    expect(resolved.revocationPath).toBe('/logout');
    expect(resolved.introspectionPath).toBe(false);
    expect(resolved.metadataPath).toBe(false);
  });

  it('puts the issuer’s path after the well-known segment (RFC 8414 §3.1)', () => {
    expect(resolveSentinelOptions({ issuer: 'https://a.example' }).metadataPath).toBe(
      METADATA_WELL_KNOWN_PATH,
    );
    expect(resolveSentinelOptions({ issuer: 'https://a.example/' }).metadataPath).toBe(
      METADATA_WELL_KNOWN_PATH,
    );
    const tenant = resolveSentinelOptions({ issuer: 'https://a.example/t/one/' });
    expect(tenant.metadataPath).toBe(`${METADATA_WELL_KNOWN_PATH}/t/one`);
    expect(tenant.issuer).toBe('https://a.example/t/one/');
  });

  it('accepts http for loopback hosts only (development)', () => {
    for (const issuer of ['http://localhost:3000', 'http://127.0.0.1', 'http://[::1]:8080']) {
      expect(resolveSentinelOptions({ issuer }).issuer).toBe(issuer);
    }
  });

  it('keeps the scopes it is given, deduplicated', () => {
    expect(resolveSentinelOptions({ scopesSupported: ['a', 'b', 'a'] }).scopesSupported).toEqual([
      'a',
      'b',
    ]);
  });

  it('can switch the introspection rate limit off', () => {
    const resolved = resolveSentinelOptions({ introspection: { rateLimit: false } });
    expect(resolved.introspection.rateLimit).toBe(false);
  });

  it.each([
    [{ revocationPath: '/' }, 'revocationPath'],
    [{ introspectionPath: 7 }, 'introspectionPath'],
    [{ revocationPath: '/token' }, 'revocationPath'],
    [{ introspectionPath: '/revoke' }, 'introspectionPath'],
    [{ metadata: 'yes' }, 'metadata'],
    [{ issuer: '' }, 'issuer'],
    [{ issuer: 'auth.example.com' }, 'issuer'],
    [{ issuer: 'http://auth.example.com' }, 'issuer'],
    [{ issuer: 'ftp://auth.example.com' }, 'issuer'],
    [{ issuer: 'https://auth.example.com?tenant=a' }, 'issuer'],
    [{ issuer: 'https://auth.example.com#top' }, 'issuer'],
    [{ issuer: 'https://user:pw@auth.example.com' }, 'issuer'],
    [{ issuer: 'https://auth.example.com/a%20b' }, 'issuer'],
    [{ scopesSupported: 'orders' }, 'scopesSupported'],
    [{ scopesSupported: ['a b'] }, 'scopesSupported'],
    [{ introspection: 'strict' }, 'introspection'],
    [{ introspection: { resourceServers: [''] } }, 'introspection.resourceServers'],
    [{ introspection: { resourceServers: 'rs' } }, 'introspection.resourceServers'],
    [{ introspection: { rateLimit: true } }, 'introspection.rateLimit'],
    [{ introspection: { rateLimit: { limit: 0 } } }, 'introspection.rateLimit.limit'],
    [
      { introspection: { rateLimit: { limit: 5, windowSeconds: 0.5 } } },
      'introspection.rateLimit.windowSeconds',
    ],
  ])('rejects %j naming "%s"', (options, field) => {
    let error: unknown;
    try {
      resolveSentinelOptions(options as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SentinelConfigError);
    expect((error as SentinelConfigError).field).toBe(field);
  });

  it('treats the new paths, metadata and issuer as static route options', () => {
    const options: SentinelModuleOptions = {
      revocationPath: false,
      introspectionPath: '/inspect',
      metadata: true,
      issuer: 'https://a.example',
      scopesSupported: ['x'],
    };
    const routes = pickRoutes(options);
    expect(routes).toMatchObject({
      revocationPath: false,
      introspectionPath: '/inspect',
      metadata: true,
      issuer: 'https://a.example',
    });
    expect('scopesSupported' in routes).toBe(false);
    expect(withMountedRoutes({ scopesSupported: ['x'] }, routes)).toMatchObject(routes);
    expect(() => withMountedRoutes({ issuer: 'https://b.example' }, routes)).toThrow(
      SentinelConfigError,
    );
    expect(() => withMountedRoutes({ revocationPath: '/revoke' }, routes)).toThrow(
      /revocationPath/,
    );
  });
});

describe('buildMetadata (RFC 8414 §2)', () => {
  const base = {
    issuer: 'https://a.example',
    origin: 'https://a.example',
    grantTypes: [
      'authorization_code',
      'password',
      'refresh_token',
      'client_credentials',
      'urn:ietf:params:oauth:grant-type:device_code',
    ] as const,
  };

  it('lists what is enabled, in RFC order, with the REQUIRED response_types_supported', () => {
    const document = buildMetadata({ ...base, options: resolveSentinelOptions() });
    expect(Object.keys(document)).toEqual([
      'issuer',
      'authorization_endpoint',
      'token_endpoint',
      'token_endpoint_auth_methods_supported',
      'revocation_endpoint',
      'revocation_endpoint_auth_methods_supported',
      'introspection_endpoint',
      'introspection_endpoint_auth_methods_supported',
      'device_authorization_endpoint',
      'grant_types_supported',
      'response_types_supported',
      'response_modes_supported',
      'code_challenge_methods_supported',
      'authorization_response_iss_parameter_supported',
    ]);
    expect(document).toMatchObject({
      authorization_endpoint: 'https://a.example/oauth/authorize',
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      device_authorization_endpoint: 'https://a.example/oauth/device_authorization',
      grant_types_supported: base.grantTypes,
    });
  });

  it('without the device authorization endpoint (RFC 8628 §4), offers no device grant', () => {
    const document = buildMetadata({
      ...base,
      options: resolveSentinelOptions({ deviceAuthorizationPath: false }),
    });
    expect(document.device_authorization_endpoint).toBeUndefined();
    expect(document.grant_types_supported).toEqual([
      'authorization_code',
      'password',
      'refresh_token',
      'client_credentials',
    ]);
  });

  it('without the authorization endpoint, offers no response type and no authorization_code', () => {
    const document = buildMetadata({
      ...base,
      options: resolveSentinelOptions({ authorizePath: false }),
    });
    expect(document.authorization_endpoint).toBeUndefined();
    expect(document.response_types_supported).toEqual([]);
    expect(document.code_challenge_methods_supported).toBeUndefined();
    expect(document.grant_types_supported).toEqual([
      'password',
      'refresh_token',
      'client_credentials',
      'urn:ietf:params:oauth:grant-type:device_code',
    ]);
  });

  it('lists no endpoint that is disabled', () => {
    const document = buildMetadata({
      ...base,
      options: resolveSentinelOptions({
        tokenPath: false,
        revocationPath: false,
        introspectionPath: false,
        authorizePath: false,
        deviceAuthorizationPath: false,
      }),
    });
    expect(document).toEqual({
      issuer: 'https://a.example',
      grant_types_supported: [],
      response_types_supported: [],
    });
  });
});
