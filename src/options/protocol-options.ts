import type { ResolvedSentinelOptions } from './resolved-options.js';
import type {
  SentinelIntrospectionOptions,
  SentinelRateLimitOptions,
} from '../sentinel-options.js';
import {
  PATH_PATTERN,
  SentinelConfigError,
  optionalString,
  positiveInteger,
} from './option-checks.js';
import { SENTINEL_DEFAULTS } from './option-defaults.js';
import { isScopeToken } from '../token/scope.js';

/**
 * Where RFC 8414 §3 puts the metadata of an issuer without a path.
 * @publicApi
 */
export const METADATA_WELL_KNOWN_PATH = '/.well-known/oauth-authorization-server';

/**
 * Hosts where plain `http` is allowed: the issuer in development, and the redirect URIs a native
 * app listens on (RFC 8252 §7.3).
 */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

export function metadataEnabled(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'boolean') throw new SentinelConfigError('metadata', 'must be a boolean');
  return value;
}

/**
 * RFC 8414 §2: an `https` URL with no query or fragment (plain `http` only for loopback hosts,
 * for development). Kept exactly as given: §3.3 compares it as a string.
 */
export function resolveIssuer(value: unknown): string | undefined {
  const issuer = optionalString('issuer', value);
  if (issuer === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new SentinelConfigError('issuer', 'must be an absolute https URL');
  }
  if (
    url.protocol !== 'https:' &&
    !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))
  ) {
    throw new SentinelConfigError('issuer', 'must use https (http only for localhost)');
  }
  if (issuer.includes('?') || issuer.includes('#')) {
    throw new SentinelConfigError('issuer', 'must not have a query or fragment (RFC 8414 §2)');
  }
  if (url.username !== '' || url.password !== '') {
    throw new SentinelConfigError('issuer', 'must not carry user information');
  }
  const path = url.pathname.replace(/\/+$/, '');
  if (path !== '' && (!PATH_PATTERN.test(path) || path.includes('//'))) {
    throw new SentinelConfigError('issuer', 'must have a plain path like /tenant, or none');
  }
  return issuer;
}

/** RFC 8414 §3.1: the well-known segment goes between the host and the issuer's path. */
export function metadataPath(issuer: string | undefined): string {
  const path = issuer === undefined ? '' : new URL(issuer).pathname.replace(/\/+$/, '');
  return `${METADATA_WELL_KNOWN_PATH}${path}`;
}

export function resolveScopesSupported(value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every(isScopeToken)) {
    throw new SentinelConfigError('scopesSupported', 'must be an array of RFC 6749 scope-tokens');
  }
  return Object.freeze([...new Set(value as string[])]);
}

export function resolveIntrospection(value: unknown): ResolvedSentinelOptions['introspection'] {
  const defaults = SENTINEL_DEFAULTS.introspectionRateLimit;
  if (value === undefined) return { resourceServers: [], rateLimit: defaults };
  if (typeof value !== 'object' || value === null) {
    throw new SentinelConfigError('introspection', 'must be an object');
  }
  const { resourceServers = [], rateLimit } = value as SentinelIntrospectionOptions;
  if (
    !Array.isArray(resourceServers) ||
    !resourceServers.every((id) => typeof id === 'string' && id.length > 0)
  ) {
    throw new SentinelConfigError(
      'introspection.resourceServers',
      'must be an array of client ids',
    );
  }
  return {
    resourceServers: Object.freeze([...resourceServers]),
    rateLimit: resolveRateLimit('introspection.rateLimit', rateLimit, defaults),
  };
}

export function resolveRateLimit(
  field: string,
  value: unknown,
  defaults: Readonly<SentinelRateLimitOptions>,
): Readonly<SentinelRateLimitOptions> | false {
  if (value === undefined) return defaults;
  if (value === false) return false;
  if (typeof value !== 'object' || value === null) {
    throw new SentinelConfigError(field, 'must be { limit, windowSeconds } or false');
  }
  const given = value as Partial<SentinelRateLimitOptions>;
  return Object.freeze({
    limit: positiveInteger(`${field}.limit`, given.limit, defaults.limit),
    windowSeconds: positiveInteger(
      `${field}.windowSeconds`,
      given.windowSeconds,
      defaults.windowSeconds,
    ),
  });
}
