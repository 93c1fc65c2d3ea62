import { describe, expect, it } from '@jest/globals';
import {
  bodyBoundsViolation,
  MAX_BODY_CHARACTERS,
  MAX_BODY_DEPTH,
  MAX_BODY_VALUES,
} from './body-bounds.js';

describe('bodyBoundsViolation (issue 15)', () => {
  const nest = (depth: number): unknown => {
    let value: unknown = 'x';
    for (let i = 0; i < depth; i++) value = [value];
    return value;
  };

  it('accepts every legitimate management body shape', () => {
    expect(bodyBoundsViolation({ scope: ['read', 'write'], client_name: 'App' })).toBeUndefined();
    expect(bodyBoundsViolation({ a: nest(MAX_BODY_DEPTH - 1) })).toBeUndefined();
  });

  it('refuses nesting deeper than the bound without recursing (100,000 levels)', () => {
    expect(bodyBoundsViolation({ a: nest(MAX_BODY_DEPTH) })).toMatch(/deeper/);
    expect(bodyBoundsViolation(nest(100_000))).toMatch(/deeper/);
  });

  it('refuses too many values and too many characters', () => {
    expect(bodyBoundsViolation({ a: Array(MAX_BODY_VALUES).fill(1) })).toMatch(/values/);
    expect(bodyBoundsViolation({ a: 'x'.repeat(MAX_BODY_CHARACTERS + 1) })).toMatch(/characters/);
  });
});
