import { describe, expect, it } from '@jest/globals';
import { resolveSentinelOptions } from './resolve-options.js';
import type { SentinelModuleOptions } from '../sentinel-options.js';

describe('authorizationCode and interaction options', () => {
  it('has the documented defaults', () => {
    const options = resolveSentinelOptions();
    expect(options.authorizePath).toBe('/oauth/authorize');
    expect(options.interactionPath).toBe('/oauth/interaction');
    expect(options.authorizationCode).toEqual({
      codeTtl: 60,
      requirePkceForConfidentialClients: true,
    });
    expect(options.interaction).toMatchObject({
      sessionTtl: 28_800,
      sessionIdleTtl: 1800,
      requestTtl: 600,
      templates: {},
      scopeDescriptions: {},
    });
  });

  it.each<[string, SentinelModuleOptions, string]>([
    [
      'a code lifetime over 10 minutes',
      { authorizationCode: { codeTtl: 601 } },
      'authorizationCode.codeTtl',
    ],
    ['a code lifetime of 0', { authorizationCode: { codeTtl: 0 } }, 'authorizationCode.codeTtl'],
    [
      'a PKCE policy that is not a boolean',
      { authorizationCode: { requirePkceForConfidentialClients: 'no' as never } },
      'authorizationCode.requirePkceForConfidentialClients',
    ],
    [
      'an idle lifetime longer than the session',
      { interaction: { sessionTtl: 600, sessionIdleTtl: 601 } },
      'interaction.sessionIdleTtl',
    ],
    [
      'a request lifetime that is not an integer',
      { interaction: { requestTtl: 1.5 } },
      'interaction.requestTtl',
    ],
    ['a login that is not one', { interaction: { login: {} as never } }, 'interaction.login'],
    [
      'a template for a page that does not exist',
      { interaction: { templates: { welcome: () => '' } as never } },
      'interaction.templates.welcome',
    ],
    [
      'a template that is not a function',
      { interaction: { templates: { signIn: '<html>' as never } } },
      'interaction.templates.signIn',
    ],
    [
      'a scope description for a malformed scope',
      { interaction: { scopeDescriptions: { 'a b': 'x' } } },
      'interaction.scopeDescriptions',
    ],
    [
      'an empty scope description',
      { interaction: { scopeDescriptions: { orders: ' ' } } },
      'interaction.scopeDescriptions.orders',
    ],
    [
      'pages without the authorization endpoint’s path',
      { interactionPath: false },
      'interactionPath',
    ],
  ])('refuses %s, naming the field', (_what, options, field) => {
    expect(() => resolveSentinelOptions(options)).toThrow(expect.objectContaining({ field }));
  });

  it('a shorter session brings the default idle lifetime down with it', () => {
    expect(resolveSentinelOptions({ interaction: { sessionTtl: 600 } }).interaction).toMatchObject({
      sessionTtl: 600,
      sessionIdleTtl: 600,
    });
  });

  it('the pages may be switched off with both endpoints that use them', () => {
    const options = resolveSentinelOptions({
      authorizePath: false,
      deviceAuthorizationPath: false,
      interactionPath: false,
      devicePath: false,
    });
    expect(options.authorizePath).toBe(false);
    expect(options.interactionPath).toBe(false);
    expect(() => resolveSentinelOptions({ devicePath: false })).toThrow(
      expect.objectContaining({ field: 'devicePath' }),
    );
  });

  it('deviceCode has RFC 8628 defaults and positive integers only', () => {
    expect(resolveSentinelOptions().deviceCode).toEqual({ codeTtl: 600, interval: 5 });
    expect(() => resolveSentinelOptions({ deviceCode: { interval: 0 } })).toThrow(
      expect.objectContaining({ field: 'deviceCode.interval' }),
    );
  });
});
