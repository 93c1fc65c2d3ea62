import { describe, expect, it } from '@jest/globals';
import { SCOPES_METADATA } from '../sentinel.constants.js';
import { Scopes } from './scopes.decorator.js';

describe('@Scopes', () => {
  it('writes the scopes, deduplicated, under SCOPES_METADATA', () => {
    class Target {
      @Scopes('read', 'admin', 'read')
      handler(): void {}
    }
    expect(Reflect.getMetadata(SCOPES_METADATA, Target.prototype.handler)).toEqual([
      'read',
      'admin',
    ]);
  });

  it.each(['', 'a b', 'say"hi', 'back\\slash', 'tab\t', 'ünï'])(
    'refuses %j at decoration time: it could not be named in a quoted scope="…" challenge (docs/security.md 8)',
    (scope) => {
      expect(() => Scopes(scope)).toThrow(TypeError);
    },
  );

  it('refuses a non-string smuggled past the types', () => {
    expect(() => Scopes(42 as unknown as string)).toThrow(TypeError);
  });
});
