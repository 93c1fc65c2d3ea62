import { describe, expect, it } from '@jest/globals';
import { BruteForceLimiter } from '../abuse/brute-force.limiter.js';
import { resolveSentinelOptions } from '../options/resolve-options.js';
import { ManagementLoginThrottle, MANAGEMENT_TOTAL_POLICY } from './login-throttle.js';
import { ManagementException } from './management.errors.js';

function throttle() {
  const clock = { t: 1_000_000, now: () => clock.t };
  const limiter = new BruteForceLimiter(resolveSentinelOptions({}), clock);
  return { clock, throttle: new ManagementLoginThrottle(limiter) };
}

/** `undefined` when the sign-in may go on (and fails), else the Retry-After of the 429. */
async function fail(t: ManagementLoginThrottle, address: string): Promise<string | undefined> {
  try {
    (await t.begin(address)).failed();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ManagementException);
    expect((error as ManagementException).getStatus()).toBe(429);
    return (error as ManagementException).headers['Retry-After'];
  }
}

describe('ManagementLoginThrottle (ADR 0016)', () => {
  it('lets 5 failures be checked, then refuses for 1 s, 2 s, 4 s … per address', async () => {
    const { clock, throttle: t } = throttle();
    for (let i = 0; i < 5; i += 1) expect(await fail(t, 'a')).toBeUndefined();
    const delays: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const retry = (await fail(t, 'a'))!;
      delays.push(retry);
      clock.t += Number(retry) * 1000;
      expect(await fail(t, 'a')).toBeUndefined();
    }
    expect(delays).toEqual(['1', '2', '4', '8', '16']);
  });

  it('keeps addresses apart and resets one on success', async () => {
    const { throttle: t } = throttle();
    for (let i = 0; i < 5; i += 1) await fail(t, 'a');
    expect(await fail(t, 'a')).toBe('1');
    expect(await fail(t, 'b')).toBeUndefined();
    const { throttle: fresh } = throttle();
    for (let i = 0; i < 4; i += 1) await fail(fresh, 'a');
    await (await fresh.begin('a')).succeeded();
    for (let i = 0; i < 5; i += 1) expect(await fail(fresh, 'a')).toBeUndefined();
  });

  it('caps failures from all addresses together, slowing every address down (issue 15)', async () => {
    const { clock, throttle: t } = throttle();
    const free = MANAGEMENT_TOTAL_POLICY.freeAttempts;
    for (let i = 0; i <= free; i += 1) expect(await fail(t, `198.51.100.${i}`)).toBeUndefined();
    expect(await fail(t, '203.0.113.1')).toBe('1');
    clock.t += 1000;
    expect(await fail(t, '203.0.113.1')).toBeUndefined();
    expect(await fail(t, '203.0.113.2')).toBe('2');
  });
});
