import type { SentinelTokenLifetimes } from '../sentinel-options.js';
import { SentinelConfigError, positiveInteger } from './option-checks.js';

/**
 * Access and refresh lifetimes of the tokens one grant type issues, in seconds.
 * @publicApi
 */
export interface TokenLifetimes {
  readonly accessTokenTtl: number;
  readonly refreshTokenTtl: number;
}

/**
 * `grantLifetimes` (Authlib's `OAUTH2_EXPIRES_*`): per registered grant type, lifetimes that
 * replace the global `accessTokenTtl` / `refreshTokenTtl`; a missing field falls back to the
 * global one. A key that is not a registered grant type is a mistake (a typo would silently keep
 * the global lifetime), so it fails start-up.
 */
export function resolveGrantLifetimes(
  value: unknown,
  grantTypes: readonly string[],
  global: TokenLifetimes,
): Readonly<Record<string, TokenLifetimes>> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SentinelConfigError('grantLifetimes', 'must be an object keyed by grant type');
  }
  const resolved: Record<string, TokenLifetimes> = Object.create(null);
  for (const [grantType, lifetimes] of Object.entries(value as Record<string, unknown>)) {
    const field = `grantLifetimes.${grantType}`;
    if (!grantTypes.includes(grantType)) {
      throw new SentinelConfigError(
        field,
        `is not a registered grant type (registered: ${grantTypes.join(', ')})`,
      );
    }
    if (typeof lifetimes !== 'object' || lifetimes === null) {
      throw new SentinelConfigError(field, 'must be { accessTokenTtl?, refreshTokenTtl? }');
    }
    const given = lifetimes as SentinelTokenLifetimes;
    resolved[grantType] = Object.freeze({
      accessTokenTtl: positiveInteger(
        `${field}.accessTokenTtl`,
        given.accessTokenTtl,
        global.accessTokenTtl,
      ),
      refreshTokenTtl: positiveInteger(
        `${field}.refreshTokenTtl`,
        given.refreshTokenTtl,
        global.refreshTokenTtl,
      ),
    });
  }
  return Object.freeze(resolved);
}

/** The lifetimes of tokens issued by `grantType`: its own, else the global ones. */
export function lifetimesOf(
  options: TokenLifetimes & { grantLifetimes: Readonly<Record<string, TokenLifetimes>> },
  grantType: string,
): TokenLifetimes {
  return options.grantLifetimes[grantType] ?? options;
}
