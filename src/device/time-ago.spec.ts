import { describe, expect, it } from '@jest/globals';
import { timeAgo } from './time-ago.js';

describe('timeAgo', () => {
  it.each([
    [-5_000, 'just now'],
    [59_999, 'just now'],
    [60_000, '1 minute ago'],
    [2 * 60_000 + 30_000, '2 minutes ago'],
    [59 * 60_000, '59 minutes ago'],
    [60 * 60_000, '1 hour ago'],
    [3 * 60 * 60_000, '3 hours ago'],
  ])('%i ms → %s', (elapsed, words) => {
    expect(timeAgo(elapsed)).toBe(words);
  });
});
