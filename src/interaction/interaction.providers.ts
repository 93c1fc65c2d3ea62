import type { Provider } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Redis } from 'ioredis';
import { AuthorizationCodeIssuer } from '../authorization/authorization-code.issuer.js';
import { AuthorizationCompletion } from '../authorization/authorization-completion.js';
import { AuthorizationRequestValidator } from '../authorization/authorization-request.validator.js';
import { isPendingAuthorization } from '../authorization/pending-authorization.js';
import { Clock } from '../clock.js';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import { SENTINEL_OPTIONS, SENTINEL_REDIS } from '../sentinel.constants.js';
import { AuthorizationSteps } from './authorization-steps.js';
import { CurrentUser } from './current-user.js';
import type { ExpiringStore } from './expiring-store.js';
import { HostLogin } from './host-login.js';
import { PENDING_AUTHORIZATIONS, SESSION_STORE } from './interaction.tokens.js';
import { MemoryExpiringStore } from './memory-expiring.store.js';
import { PageResponder } from './page-responder.js';
import { PendingRequestStore } from './pending-request-store.js';
import { RedisExpiringStore } from './redis-expiring.store.js';
import { SessionStore } from './session-store.js';
import { SignInHandler } from './sign-in.handler.js';
import { StepResponder } from './step-responder.js';

/**
 * Short-lived state in Redis when the module has it (every instance sees a sign-in at once),
 * else in process memory; keys `${keyPrefix}${kind}:<digest>`.
 */
export function expiringStore(
  options: ResolvedSentinelOptions,
  redis: Redis | null,
  clock: Clock,
  kind: string,
): ExpiringStore {
  return redis === null
    ? new MemoryExpiringStore(clock)
    : new RedisExpiringStore(redis, `${options.keyPrefix}${kind}:`);
}

/**
 * The authorization endpoint's and the interaction pages' providers, mounted when
 * `authorizePath` or `deviceAuthorizationPath` is not `false` (the device verification page
 * reuses the sign-in, sessions and page rules, ADR 0023): sessions and pending requests, the
 * host's login (when `interaction.login` is given), the steps, the page answers and sign-in,
 * request validation and codes.
 */
export const INTERACTION_PROVIDERS: Provider[] = [
  {
    provide: SESSION_STORE,
    useFactory: (options: ResolvedSentinelOptions, redis: Redis | null, clock: Clock) =>
      new SessionStore(expiringStore(options, redis, clock, 'session'), clock, options.interaction),
    inject: [SENTINEL_OPTIONS, SENTINEL_REDIS, Clock],
  },
  {
    provide: PENDING_AUTHORIZATIONS,
    useFactory: (options: ResolvedSentinelOptions, redis: Redis | null, clock: Clock) =>
      new PendingRequestStore(
        expiringStore(options, redis, clock, 'authorization-request'),
        options.interaction.requestTtl,
        isPendingAuthorization,
      ),
    inject: [SENTINEL_OPTIONS, SENTINEL_REDIS, Clock],
  },
  {
    provide: HostLogin,
    useFactory: async (options: ResolvedSentinelOptions, moduleRef: ModuleRef) => {
      const login = options.interaction.login;
      if (login === undefined) return null;
      return typeof login === 'function' ? moduleRef.create(login) : login;
    },
    inject: [SENTINEL_OPTIONS, ModuleRef],
  },
  CurrentUser,
  AuthorizationSteps,
  PageResponder,
  StepResponder,
  SignInHandler,
  AuthorizationRequestValidator,
  AuthorizationCodeIssuer,
  AuthorizationCompletion,
];
