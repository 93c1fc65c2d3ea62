import { describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { resolveSentinelOptions } from './resolve-options.js';
import { SENTINEL_DEFAULTS } from './option-defaults.js';
import { SentinelConfigError } from './option-checks.js';
import { errorUriOf } from './error-uri-options.js';
import { lifetimesOf } from './lifetime-options.js';
import { GrantRegistry } from '../token/grants/grant-registry.js';

describe('resolveSentinelOptions', () => {
  it('applies Flask-Sentinel-like defaults', () => {
    const resolved = resolveSentinelOptions();
    expect(resolved).toMatchObject({
      routePrefix: '/oauth',
      tokenPath: '/oauth/token',
      managementPath: '/oauth/management',
      accessTokenTtl: 3600,
      refreshTokenTtl: SENTINEL_DEFAULTS.refreshTokenTtl,
      bcryptCost: 12,
      keyPrefix: 'sentinel:',
      tokenKeyPrefix: 'sentinel:token:',
      realm: 'sentinel',
    });
    expect(resolved.mongo).toBeUndefined();
    expect(resolved.redis).toBeUndefined();
  });

  it('normalizes paths and honours false', () => {
    const resolved = resolveSentinelOptions({
      routePrefix: 'auth/',
      tokenPath: 'issue',
      managementPath: false,
    });
    expect(resolved.tokenPath).toBe('/auth/issue');
    expect(resolved.managementPath).toBe(false);
    expect(resolveSentinelOptions({ routePrefix: '/' }).tokenPath).toBe('/token');
  });

  it('fills in per-grant lifetimes from the global ones and keeps per-code error URIs', () => {
    const resolved = resolveSentinelOptions({
      accessTokenTtl: 900,
      refreshTokenTtl: 9000,
      grantLifetimes: { client_credentials: { accessTokenTtl: 60 } },
      errorUri: 'https://docs.example.com/errors',
      errorUris: { invalid_grant: 'https://docs.example.com/errors#invalid_grant' },
    });
    expect(resolved.grantLifetimes).toEqual({
      client_credentials: { accessTokenTtl: 60, refreshTokenTtl: 9000 },
    });
    expect(lifetimesOf(resolved, 'client_credentials').accessTokenTtl).toBe(60);
    expect(lifetimesOf(resolved, 'password')).toMatchObject({
      accessTokenTtl: 900,
      refreshTokenTtl: 9000,
    });
    expect(errorUriOf(resolved, 'invalid_grant')).toBe(
      'https://docs.example.com/errors#invalid_grant',
    );
    expect(errorUriOf(resolved, 'invalid_client')).toBe('https://docs.example.com/errors');
  });

  it('checks grantLifetimes against the grant registry it is given', () => {
    class OtpGrant {
      handle(): never {
        throw new Error('not called');
      }
    }
    const grants = GrantRegistry.of([{ grantType: 'urn:example:otp', useClass: OtpGrant }]);
    const lifetimes = { 'urn:example:otp': { accessTokenTtl: 30 } };
    expect(() => resolveSentinelOptions({ grantLifetimes: lifetimes })).toThrow(
      'grantLifetimes.urn:example:otp',
    );
    expect(
      resolveSentinelOptions({ grantLifetimes: lifetimes }, grants).grantLifetimes[
        'urn:example:otp'
      ],
    ).toEqual({ accessTokenTtl: 30, refreshTokenTtl: 14 * 24 * 3600 });
  });

  it.each([
    [{ routePrefix: '/a b' }, 'routePrefix'],
    [{ routePrefix: 7 }, 'routePrefix'],
    [{ tokenPath: '/' }, 'tokenPath'],
    [{ managementPath: '/x?y' }, 'managementPath'],
    [{ accessTokenTtl: 0 }, 'accessTokenTtl'],
    [{ accessTokenTtl: 1.5 }, 'accessTokenTtl'],
    [{ refreshTokenTtl: '60' }, 'refreshTokenTtl'],
    [{ bcryptCost: 9 }, 'bcryptCost'],
    [{ bcryptCost: 32 }, 'bcryptCost'],
    [{ errorUri: '' }, 'errorUri'],
    [{ errorUri: 'https://example.com/a"b' }, 'errorUri'],
    [{ errorUris: [] }, 'errorUris'],
    [{ errorUris: { invalid_grnat: 'https://example.com/e' } }, 'errorUris.invalid_grnat'],
    [{ errorUris: { invalid_grant: 'https://example.com/a b' } }, 'errorUris.invalid_grant'],
    [{ grantLifetimes: 5 }, 'grantLifetimes'],
    [{ grantLifetimes: { passwrod: { accessTokenTtl: 5 } } }, 'grantLifetimes.passwrod'],
    [{ grantLifetimes: { password: 5 } }, 'grantLifetimes.password'],
    [
      { grantLifetimes: { password: { accessTokenTtl: 0 } } },
      'grantLifetimes.password.accessTokenTtl',
    ],
    [{ realm: 'a"b' }, 'realm'],
    [{ keyPrefix: 3 }, 'keyPrefix'],
    [{ redis: 'http://localhost' }, 'redis'],
    [{ redis: 42 }, 'redis'],
    [{ mongo: { uri: 'postgres://x' } }, 'mongo.uri'],
    [{ mongo: { uri: 'mongodb://x', connectionName: 'y' } }, 'mongo'],
    [{ mongo: 'mongodb://x' }, 'mongo'],
    [{ mongo: { uri: 'mongodb://x', writeConcern: 0 } }, 'mongo.writeConcern'],
    [{ mongo: { uri: 'mongodb://x', writeConcern: 'all' } }, 'mongo.writeConcern'],
    [{ management: { username: 'admin' } }, 'management'],
    [{ management: { username: 'a:b', password: 'p' } }, 'management.username'],
    [
      { management: { dangerouslyAllowUnauthenticated: 'yes' } },
      'management.dangerouslyAllowUnauthenticated',
    ],
    [{ userStore: { verifyCredentials() {} } }, 'userStore'],
    [{ redisTimeoutMs: -5 }, 'redisTimeoutMs'],
  ])('rejects %j naming "%s"', (options, field) => {
    let error: unknown;
    try {
      resolveSentinelOptions(options as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SentinelConfigError);
    expect((error as SentinelConfigError).field).toBe(field);
    expect((error as Error).message).toContain(`"${field}"`);
  });

  it('accepts a URL, ioredis options or an ioredis client for redis', () => {
    const client = new Redis({ lazyConnect: true });
    expect(resolveSentinelOptions({ redis: 'redis://127.0.0.1:6379/0' }).redis).toBe(
      'redis://127.0.0.1:6379/0',
    );
    expect(resolveSentinelOptions({ redis: { host: '127.0.0.1' } }).redis).toEqual({
      host: '127.0.0.1',
    });
    expect(resolveSentinelOptions({ redis: client }).redis).toBe(client);
    client.disconnect();
  });

  it('never puts a configured secret in an error message', () => {
    expect(() =>
      resolveSentinelOptions({ management: { username: 'admin', password: '' } }),
    ).toThrow(/management.password/);
    try {
      resolveSentinelOptions({ management: { username: 'a:b', password: 'hunter2-secret' } });
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2-secret');
    }
  });
});
