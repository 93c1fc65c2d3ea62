import { MIN_BCRYPT_COST } from '../crypto/password-hasher.js';
import type { ResolvedSentinelOptions } from './resolved-options.js';
import type { SentinelLockoutPolicy, SentinelManagementOptions } from '../sentinel-options.js';
import { SentinelConfigError, optionalString, positiveInteger } from './option-checks.js';
import { SENTINEL_DEFAULTS } from './option-defaults.js';

export function bcryptCost(value: unknown): number {
  const cost = positiveInteger('bcryptCost', value, SENTINEL_DEFAULTS.bcryptCost);
  if (cost < MIN_BCRYPT_COST || cost > 31) {
    throw new SentinelConfigError('bcryptCost', `must be between ${MIN_BCRYPT_COST} and 31`);
  }
  return cost;
}

export function realm(value: unknown): string {
  const result = optionalString('realm', value) ?? SENTINEL_DEFAULTS.realm;
  if (/["\\\r\n]/.test(result))
    throw new SentinelConfigError('realm', 'must not contain quotes, backslashes or newlines');
  return result;
}

export function resolveManagement(
  value: SentinelManagementOptions | undefined,
): ResolvedSentinelOptions['management'] {
  if (value === undefined) return { dangerouslyAllowUnauthenticated: false };
  if (typeof value !== 'object' || value === null) {
    throw new SentinelConfigError('management', 'must be an object');
  }
  const username = optionalString('management.username', value.username);
  const password = optionalString('management.password', value.password);
  if ((username === undefined) !== (password === undefined)) {
    throw new SentinelConfigError('management', 'set both username and password, or neither');
  }
  if (username?.includes(':')) {
    throw new SentinelConfigError('management.username', 'must not contain ":" (RFC 7617)');
  }
  const open = value.dangerouslyAllowUnauthenticated;
  if (open !== undefined && typeof open !== 'boolean') {
    throw new SentinelConfigError(
      'management.dangerouslyAllowUnauthenticated',
      'must be a boolean',
    );
  }
  return {
    username,
    password,
    dangerouslyAllowUnauthenticated: open === true,
    consoleFile: optionalString('management.consoleFile', value.consoleFile),
  };
}

export function resolveBruteForce(value: unknown): ResolvedSentinelOptions['bruteForce'] {
  if (value === false) return { account: false, ip: false, client: false };
  const given = value ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new SentinelConfigError('bruteForce', 'must be { account?, ip?, client? } or false');
  }
  const options = given as Record<string, unknown>;
  for (const key of Object.keys(options)) {
    if (!['account', 'ip', 'client'].includes(key)) {
      throw new SentinelConfigError(`bruteForce.${key}`, 'is not an option');
    }
  }
  const defaults = SENTINEL_DEFAULTS.bruteForce;
  return {
    account: resolveLockoutPolicy('bruteForce.account', options.account, defaults.account),
    ip: resolveLockoutPolicy('bruteForce.ip', options.ip, defaults.ip),
    client: resolveLockoutPolicy('bruteForce.client', options.client, defaults.client),
  };
}

export function resolveLockoutPolicy(
  field: string,
  value: unknown,
  defaults: Readonly<Required<SentinelLockoutPolicy>>,
): Readonly<Required<SentinelLockoutPolicy>> | false {
  if (value === false) return false;
  if (value === undefined) return defaults;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SentinelConfigError(
      field,
      'must be { freeAttempts?, lockSeconds?, maxLockSeconds?, resetAfterSeconds? } or false',
    );
  }
  const given = value as SentinelLockoutPolicy;
  const lockSeconds = positiveInteger(
    `${field}.lockSeconds`,
    given.lockSeconds,
    defaults.lockSeconds,
  );
  const maxLockSeconds = positiveInteger(
    `${field}.maxLockSeconds`,
    given.maxLockSeconds,
    Math.max(defaults.maxLockSeconds, lockSeconds),
  );
  if (maxLockSeconds < lockSeconds) {
    throw new SentinelConfigError(`${field}.maxLockSeconds`, 'must be at least lockSeconds');
  }
  return Object.freeze({
    freeAttempts: positiveInteger(
      `${field}.freeAttempts`,
      given.freeAttempts,
      defaults.freeAttempts,
    ),
    lockSeconds,
    maxLockSeconds,
    resetAfterSeconds: positiveInteger(
      `${field}.resetAfterSeconds`,
      given.resetAfterSeconds,
      defaults.resetAfterSeconds,
    ),
  });
}

/** `refreshTokenReuseIntervalSeconds`: 0 (strict, the default) up to one hour (ADR 0003). */
export function reuseInterval(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 3600) {
    throw new SentinelConfigError(
      'refreshTokenReuseIntervalSeconds',
      'must be an integer from 0 to 3600',
    );
  }
  return value;
}
