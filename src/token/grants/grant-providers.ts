import type { Provider } from '@nestjs/common';
import type { Grant } from './grant.js';
import { GrantRegistry } from './grant-registry.js';

/** DI token of the grants by grant type (`ReadonlyMap<string, Grant>`) the token service dispatches to. */
export const TOKEN_GRANTS = Symbol('SENTINEL:TokenGrants');

/**
 * The registry itself, each grant class as a provider (so it gets its dependencies injected) and
 * {@link TOKEN_GRANTS}. The registry is a value: it is known when the module is defined, and the
 * client stores need it before any grant can be built.
 */
export function grantProviders(registry: GrantRegistry): Provider[] {
  const classes = [...new Set(registry.registrations.map((grant) => grant.useClass))];
  return [
    { provide: GrantRegistry, useValue: registry },
    ...classes,
    {
      provide: TOKEN_GRANTS,
      useFactory: (...instances: Grant[]): ReadonlyMap<string, Grant> =>
        new Map(
          registry.registrations.map((grant) => [
            grant.grantType,
            instances[classes.indexOf(grant.useClass)],
          ]),
        ),
      inject: classes,
    },
  ];
}
