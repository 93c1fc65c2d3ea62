import type { Type } from '@nestjs/common';
import type { HostLogin } from '../interaction/host-login.js';
import type { SentinelPageTemplates } from '../interaction/pages/page-views.js';
import { isScopeToken } from '../token/scope.js';
import { SentinelConfigError, positiveInteger } from './option-checks.js';

/** RFC 6749 §4.1.2: "A maximum authorization code lifetime of 10 minutes is RECOMMENDED". */
export const MAX_CODE_TTL_SECONDS = 600;

export const INTERACTION_DEFAULTS = {
  codeTtl: 60,
  deviceCodeTtl: 600,
  deviceInterval: 5,
  sessionTtl: 8 * 3600,
  sessionIdleTtl: 30 * 60,
  requestTtl: 600,
} as const;

const TEMPLATE_NAMES: ReadonlyArray<keyof SentinelPageTemplates> = [
  'signIn',
  'consent',
  'error',
  'signOut',
  'deviceCode',
  'deviceConfirm',
  'deviceDone',
];

/** `authorizationCode` with its defaults (docs/security.md 24–25). */
export interface ResolvedAuthorizationCodeOptions {
  codeTtl: number;
  requirePkceForConfidentialClients: boolean;
}

/** `deviceCode` with its defaults (RFC 8628 §3.2). */
export interface ResolvedDeviceCodeOptions {
  codeTtl: number;
  interval: number;
}

/** `interaction` with its defaults. */
export interface ResolvedInteractionOptions {
  sessionTtl: number;
  sessionIdleTtl: number;
  requestTtl: number;
  login?: Type<HostLogin> | HostLogin;
  templates: Readonly<Partial<SentinelPageTemplates>>;
  scopeDescriptions: Readonly<Record<string, string>>;
}

export function resolveAuthorizationCode(value: unknown): ResolvedAuthorizationCodeOptions {
  const given = objectOption('authorizationCode', value);
  const codeTtl = positiveInteger(
    'authorizationCode.codeTtl',
    given.codeTtl,
    INTERACTION_DEFAULTS.codeTtl,
  );
  if (codeTtl > MAX_CODE_TTL_SECONDS) {
    throw new SentinelConfigError(
      'authorizationCode.codeTtl',
      `must be at most ${MAX_CODE_TTL_SECONDS} seconds (RFC 6749 §4.1.2)`,
    );
  }
  const relax = given.requirePkceForConfidentialClients ?? true;
  if (typeof relax !== 'boolean') {
    throw new SentinelConfigError(
      'authorizationCode.requirePkceForConfidentialClients',
      'must be a boolean',
    );
  }
  return { codeTtl, requirePkceForConfidentialClients: relax };
}

export function resolveDeviceCode(value: unknown): ResolvedDeviceCodeOptions {
  const given = objectOption('deviceCode', value);
  return {
    codeTtl: positiveInteger(
      'deviceCode.codeTtl',
      given.codeTtl,
      INTERACTION_DEFAULTS.deviceCodeTtl,
    ),
    interval: positiveInteger(
      'deviceCode.interval',
      given.interval,
      INTERACTION_DEFAULTS.deviceInterval,
    ),
  };
}

export function resolveInteraction(value: unknown): ResolvedInteractionOptions {
  const given = objectOption('interaction', value);
  const sessionTtl = positiveInteger(
    'interaction.sessionTtl',
    given.sessionTtl,
    INTERACTION_DEFAULTS.sessionTtl,
  );
  const sessionIdleTtl = positiveInteger(
    'interaction.sessionIdleTtl',
    given.sessionIdleTtl,
    Math.min(INTERACTION_DEFAULTS.sessionIdleTtl, sessionTtl),
  );
  if (sessionIdleTtl > sessionTtl) {
    throw new SentinelConfigError(
      'interaction.sessionIdleTtl',
      'must not be longer than interaction.sessionTtl',
    );
  }
  return {
    sessionTtl,
    sessionIdleTtl,
    requestTtl: positiveInteger(
      'interaction.requestTtl',
      given.requestTtl,
      INTERACTION_DEFAULTS.requestTtl,
    ),
    login: resolveLogin(given.login),
    templates: resolveTemplates(given.templates),
    scopeDescriptions: resolveScopeDescriptions(given.scopeDescriptions),
  };
}

function resolveLogin(value: unknown): ResolvedInteractionOptions['login'] {
  if (value === undefined) return undefined;
  if (typeof value === 'function') return value as Type<HostLogin>;
  const login = value as Partial<HostLogin> | null;
  if (
    typeof login !== 'object' ||
    login === null ||
    typeof login.currentUser !== 'function' ||
    typeof login.signInUrl !== 'function'
  ) {
    throw new SentinelConfigError(
      'interaction.login',
      'must be a class or an object with currentUser() and signInUrl()',
    );
  }
  return login as HostLogin;
}

function resolveTemplates(value: unknown): Readonly<Partial<SentinelPageTemplates>> {
  const given = objectOption('interaction.templates', value);
  const templates: Partial<SentinelPageTemplates> = {};
  for (const [name, template] of Object.entries(given)) {
    if (!TEMPLATE_NAMES.includes(name as keyof SentinelPageTemplates)) {
      throw new SentinelConfigError(
        `interaction.templates.${name}`,
        `is not a page (pages: ${TEMPLATE_NAMES.join(', ')})`,
      );
    }
    if (typeof template !== 'function') {
      throw new SentinelConfigError(`interaction.templates.${name}`, 'must be a function');
    }
    Object.assign(templates, { [name]: template });
  }
  return Object.freeze(templates);
}

function resolveScopeDescriptions(value: unknown): Readonly<Record<string, string>> {
  const given = objectOption('interaction.scopeDescriptions', value);
  const descriptions: Record<string, string> = Object.create(null);
  for (const [scope, description] of Object.entries(given)) {
    if (!isScopeToken(scope)) {
      throw new SentinelConfigError(
        'interaction.scopeDescriptions',
        `has a key that is not a scope token (RFC 6749 §3.3)`,
      );
    }
    if (typeof description !== 'string' || description.trim() === '') {
      throw new SentinelConfigError(
        `interaction.scopeDescriptions.${scope}`,
        'must be a non-empty string',
      );
    }
    descriptions[scope] = description;
  }
  return Object.freeze(descriptions);
}

function objectOption(field: string, value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SentinelConfigError(field, 'must be an object');
  }
  return value as Record<string, unknown>;
}
