import { describe, expect, it } from '@jest/globals';
import { resolveSentinelOptions } from '../options/resolve-options.js';
import { SentinelConfigError } from '../options/option-checks.js';
import { lockDurationMs, type LockoutPolicy } from './attempt-counter.js';
import { BruteForceLimiter, normalizeUsername } from './brute-force.limiter.js';
import { clientAddress, normalizeAddress } from './client-address.js';
import { MemoryAttemptCounter } from './memory-attempt-counter.js';

const POLICY: LockoutPolicy = {
  freeAttempts: 3,
  lockSeconds: 1,
  maxLockSeconds: 30,
  resetAfterSeconds: 600,
};

describe('bruteForce options', () => {
  it('is on by default with the documented policies', () => {
    expect(resolveSentinelOptions({}).bruteForce).toEqual({
      account: { freeAttempts: 5, lockSeconds: 1, maxLockSeconds: 900, resetAfterSeconds: 3600 },
      ip: { freeAttempts: 50, lockSeconds: 1, maxLockSeconds: 900, resetAfterSeconds: 3600 },
      client: { freeAttempts: 10, lockSeconds: 1, maxLockSeconds: 60, resetAfterSeconds: 3600 },
    });
  });

  it('fills missing sub-fields with defaults and switches counters off with false', () => {
    const resolved = resolveSentinelOptions({
      bruteForce: { account: { freeAttempts: 3 }, ip: false },
    }).bruteForce;
    expect(resolved.account).toEqual({
      freeAttempts: 3,
      lockSeconds: 1,
      maxLockSeconds: 900,
      resetAfterSeconds: 3600,
    });
    expect(resolved.ip).toBe(false);
    expect(resolved.client).not.toBe(false);
    expect(resolveSentinelOptions({ bruteForce: false }).bruteForce).toEqual({
      account: false,
      ip: false,
      client: false,
    });
  });

  it.each([
    [{ bruteForce: 'off' }, 'bruteForce'],
    [{ bruteForce: { acount: {} } }, 'bruteForce.acount'],
    [{ bruteForce: { account: 5 } }, 'bruteForce.account'],
    [{ bruteForce: { account: { freeAttempts: 0 } } }, 'bruteForce.account.freeAttempts'],
    [{ bruteForce: { ip: { lockSeconds: 1.5 } } }, 'bruteForce.ip.lockSeconds'],
    [
      { bruteForce: { client: { lockSeconds: 10, maxLockSeconds: 5 } } },
      'bruteForce.client.maxLockSeconds',
    ],
    [{ bruteForce: { client: { resetAfterSeconds: -1 } } }, 'bruteForce.client.resetAfterSeconds'],
    [{ mongoTimeoutMs: 0 }, 'mongoTimeoutMs'],
  ])('refuses %j naming %s', (options, field) => {
    let error: unknown;
    try {
      resolveSentinelOptions(options as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SentinelConfigError);
    expect(error).toMatchObject({ field });
  });

  it('raises maxLockSeconds to a larger lockSeconds when only lockSeconds is given', () => {
    const resolved = resolveSentinelOptions({ bruteForce: { client: { lockSeconds: 120 } } });
    expect(resolved.bruteForce.client).toMatchObject({ lockSeconds: 120, maxLockSeconds: 120 });
  });
});

describe('lockDurationMs', () => {
  it('is free, then doubles from lockSeconds, capped at maxLockSeconds', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 100].map((n) => lockDurationMs(n, POLICY) / 1000)).toEqual([
      0, 0, 0, 1, 2, 4, 8, 16, 30, 30,
    ]);
  });
});

describe('MemoryAttemptCounter', () => {
  it('refuses every key while one is locked, without counting', async () => {
    const counter = new MemoryAttemptCounter();
    const keys = [{ key: 'a', policy: POLICY }];
    for (let i = 0; i < 4; i++)
      expect(await counter.acquire(keys, 1000)).toEqual({ allowed: true });
    expect(await counter.acquire([...keys, { key: 'b', policy: POLICY }], 1000)).toEqual({
      allowed: false,
      lockedUntil: 2000,
    });
    expect(await counter.read('b', POLICY, 1000)).toEqual({ attempts: 0, lockedUntil: 0 });
    expect(await counter.read('a', POLICY, 1000)).toEqual({ attempts: 4, lockedUntil: 2000 });
  });

  it('releases one attempt at a time, never below zero, and resets', async () => {
    const counter = new MemoryAttemptCounter();
    await counter.acquire([{ key: 'a', policy: POLICY }], 0);
    await counter.release(['a', 'a', 'missing']);
    expect((await counter.read('a', POLICY, 0)).attempts).toBe(0);
    await counter.acquire([{ key: 'a', policy: POLICY }], 0);
    await counter.reset(['a']);
    expect((await counter.read('a', POLICY, 0)).attempts).toBe(0);
  });

  it('stays within its bound, dropping the stalest counter first', async () => {
    const counter = new MemoryAttemptCounter(2);
    for (const key of ['a', 'b', 'c']) await counter.acquire([{ key, policy: POLICY }], 0);
    expect((await counter.read('a', POLICY, 0)).attempts).toBe(0);
    expect((await counter.read('c', POLICY, 0)).attempts).toBe(1);
  });
});

describe('BruteForceLimiter without Redis', () => {
  it('keys usernames case- and compatibility-insensitively', () => {
    expect(normalizeUsername(' Ａlice ')).toBe('alice');
  });

  it('with every counter off, starts attempts that count nothing', async () => {
    const options = resolveSentinelOptions({ bruteForce: false });
    const limiter = new BruteForceLimiter(options, { now: () => 0 });
    for (let i = 0; i < 20; i++) (await limiter.beginPasswordAttempt('a', '1.2.3.4')).failed();
    expect(await limiter.inspectAccount('a', '1.2.3.4')).toEqual({ attempts: 0, lockedUntil: 0 });
  });

  it('takes an abandoned attempt back (storage down decides nothing)', async () => {
    const limiter = new BruteForceLimiter(resolveSentinelOptions({}), { now: () => 0 });
    await (await limiter.beginPasswordAttempt('a', '1.2.3.4')).abandoned();
    expect((await limiter.inspectAccount('a', '1.2.3.4')).attempts).toBe(0);
    expect((await limiter.inspect('ip', '1.2.3.4')).attempts).toBe(0);
  });
});

describe('client addresses', () => {
  it.each([
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['203.0.113.9', '203.0.113.9'],
    ['2001:db8:aa:bb:1:2:3:4', '2001:db8:aa:bb::/64'],
    ['2001:db8:aa:bb::1', '2001:db8:aa:bb::/64'],
    ['2001:DB8:AA:BB:ffff::9%eth0', '2001:db8:aa:bb::/64'],
    ['::1', '0:0:0:0::/64'],
    ['unix-socket', 'unix-socket'],
  ])('normalizes %s to %s', (raw, normalized) => {
    expect(normalizeAddress(raw)).toBe(normalized);
  });

  it('prefers the platform ip (trust proxy) over the socket address', () => {
    expect(clientAddress({ ip: '198.51.100.7', socket: { remoteAddress: '127.0.0.1' } })).toBe(
      '198.51.100.7',
    );
    expect(clientAddress({ raw: { socket: { remoteAddress: '::ffff:10.0.0.1' } } })).toBe(
      '10.0.0.1',
    );
    expect(clientAddress({})).toBeUndefined();
  });
});
