import { describe, expect, it } from '@jest/globals';
import { groupBySlot, hashedPart, keySlot } from './key-slot.js';

describe('keySlot (Redis Cluster spec, key distribution model)', () => {
  it('matches the slots the cluster spec and redis-server give', () => {
    // Values from `CLUSTER KEYSLOT` on redis-server 7.
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('bar')).toBe(5061);
    expect(keySlot('123456789')).toBe(12739);
    expect(keySlot('')).toBe(0);
  });

  it('hashes only the hash tag when the key has a non-empty one', () => {
    expect(hashedPart('sentinel:{bf}:account:ab')).toBe('bf');
    expect(keySlot('a{user1000}.following')).toBe(keySlot('b{user1000}.followers'));
    expect(hashedPart('foo{}{bar}')).toBe('foo{}{bar}');
    expect(hashedPart('foo{{bar}}zap')).toBe('{bar');
    expect(hashedPart('foo{bar}{zap}')).toBe('bar');
    expect(hashedPart('no tag{')).toBe('no tag{');
  });

  it('groups items by slot, keeping their order', () => {
    const groups = groupBySlot(['{a}1', 'foo', '{a}2', '{a}3'], (key) => key);
    expect(groups).toEqual([['{a}1', '{a}2', '{a}3'], ['foo']]);
  });
});
