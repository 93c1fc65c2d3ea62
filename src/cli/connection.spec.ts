import { describe, expect, it } from '@jest/globals';
import { resolveConnection } from './connection.js';
import { CliError, ExitCode } from './exit-codes.js';

describe('resolveConnection', () => {
  const env = {
    SENTINEL_ENDPOINT: 'http://env.example/oauth/management',
    SENTINEL_ADMIN_USER: 'env-admin',
    SENTINEL_ADMIN_PASSWORD: 'env-password',
  };

  it('prefers flags over the environment', () => {
    const connection = resolveConnection(
      { endpoint: 'https://flag.example/m', adminUser: 'flag-admin', adminPassword: 'flag-pw' },
      env,
    );
    expect({ ...connection, endpoint: connection.endpoint.href }).toEqual({
      endpoint: 'https://flag.example/m',
      username: 'flag-admin',
      password: 'flag-pw',
    });
    expect(resolveConnection({}, env).username).toBe('env-admin');
  });

  it.each([
    [{}, {}],
    [{ endpoint: 'ftp://example/m' }, {}],
    [{ endpoint: 'http://example/m', adminUser: 'only-user' }, {}],
  ])('refuses %j as a usage error', (options, environment) => {
    const attempt = () => resolveConnection(options, environment);
    expect(attempt).toThrow(CliError);
    try {
      attempt();
    } catch (error) {
      expect((error as CliError).code).toBe(ExitCode.Usage);
    }
  });
});
