import { describe, expect, it } from '@jest/globals';
import { DEFAULT_LOGIN_THROTTLE_POLICY, ManagementLoginThrottle } from './login-throttle.js';

function throttle() {
  const clock = { t: 1_000_000, now: () => clock.t };
  return { clock, limiter: new ManagementLoginThrottle(clock) };
}

describe('ManagementLoginThrottle', () => {
  it('allows 4 failures, then locks for 1 s, 2 s, 4 s … capped at 15 min', () => {
    const { clock, limiter } = throttle();
    for (let i = 0; i < 4; i += 1) limiter.recordFailure('a');
    expect(limiter.retryAfterSeconds('a')).toBe(0);
    const delays: number[] = [];
    for (let i = 0; i < 14; i += 1) {
      limiter.recordFailure('a');
      const delay = limiter.retryAfterSeconds('a');
      delays.push(delay);
      clock.t += delay * 1000;
      expect(limiter.retryAfterSeconds('a')).toBe(0);
    }
    expect(delays).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900]);
  });

  it('keeps addresses apart and clears one on success', () => {
    const { limiter } = throttle();
    for (let i = 0; i < 5; i += 1) limiter.recordFailure('a');
    expect(limiter.retryAfterSeconds('a')).toBe(1);
    expect(limiter.retryAfterSeconds('b')).toBe(0);
    limiter.recordSuccess('a');
    expect(limiter.retryAfterSeconds('a')).toBe(0);
    limiter.recordFailure('a');
    expect(limiter.retryAfterSeconds('a')).toBe(0);
  });

  it('forgets an address an hour after its last failure', () => {
    const { clock, limiter } = throttle();
    for (let i = 0; i < 4; i += 1) limiter.recordFailure('a');
    clock.t += DEFAULT_LOGIN_THROTTLE_POLICY.forgetAfterSeconds * 1000;
    limiter.recordFailure('a');
    expect(limiter.retryAfterSeconds('a')).toBe(0);
  });

  it('remembers a bounded number of addresses, dropping the stalest first', () => {
    const { limiter } = throttle();
    for (let i = 0; i < 5; i += 1) limiter.recordFailure('victim');
    for (let i = 0; i < DEFAULT_LOGIN_THROTTLE_POLICY.maxTrackedAddresses - 1; i += 1) {
      limiter.recordFailure(`other-${i}`);
    }
    expect(limiter.retryAfterSeconds('victim')).toBe(1);
    limiter.recordFailure('one-too-many');
    expect(limiter.retryAfterSeconds('victim')).toBe(0);
  });
});
