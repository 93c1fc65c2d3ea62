import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  isForgotten,
  type AcquireResult,
  type AttemptCounter,
  type CounterKey,
  type CounterState,
  type LockoutPolicy,
} from './attempt-counter.js';

/**
 * {@link AttemptCounter.acquire} as one Lua script, so checking every key and counting the
 * attempt is atomic across instances (docs/security.md 13). Each key is a string
 * `<attempts>:<lockout end, ms>:<last attempt, ms>` (plain strings, so tools that scan the
 * module's keys with GET keep working); times come from the caller's clock.
 * The PEXPIRE only drops keys that are of no further use. Mirrors `acquireInState`.
 *
 * KEYS: the counters. ARGV[1]: now; then per key: freeAttempts, lockMs, maxLockMs, resetMs.
 */
const ACQUIRE_SCRIPT = `
local now = tonumber(ARGV[1])
local latest = 0
local state = {}
for i, key in ipairs(KEYS) do
  local raw = redis.call('GET', key)
  local n, lock, last = 0, 0, 0
  if raw then
    local a, b, c = string.match(raw, '^(%d+):(%d+):(%d+)$')
    n, lock, last = tonumber(a) or 0, tonumber(b) or 0, tonumber(c) or 0
  end
  if lock > now and lock > latest then latest = lock end
  state[i] = { n, lock, last }
end
if latest > 0 then return { 0, string.format('%d', latest) } end
for i, key in ipairs(KEYS) do
  local a = 1 + (i - 1) * 4
  local free = tonumber(ARGV[a + 1])
  local lockMs = tonumber(ARGV[a + 2])
  local maxLockMs = tonumber(ARGV[a + 3])
  local resetMs = tonumber(ARGV[a + 4])
  local n, lock, last = state[i][1], state[i][2], state[i][3]
  if lock <= now and now - last >= resetMs then n = 0 end
  if n >= free then
    local duration = lockMs * math.pow(2, math.min(n - free, 40))
    if duration > maxLockMs then duration = maxLockMs end
    lock = now + duration
  end
  n = n + 1
  local value = string.format('%d:%d:%d', n, lock, now)
  redis.call('SET', key, value, 'PX', string.format('%d', math.max(lock - now, 0) + resetMs))
end
return { 1, '0' }
`;

/** Takes back one attempt per key, never below zero, keeping the key's expiry. */
const RELEASE_SCRIPT = `
for _, key in ipairs(KEYS) do
  local raw = redis.call('GET', key)
  if raw then
    local n, rest = string.match(raw, '^(%d+):(.*)$')
    n = tonumber(n) or 0
    if n > 0 then redis.call('SET', key, string.format('%d:%s', n - 1, rest), 'KEEPTTL') end
  end
end
return 1
`;

/**
 * Where every brute-force counter key starts: `{<keyPrefix>bf}:`. The braces are a Redis Cluster
 * hash tag (ADR 0012): one attempt's script reads and writes several counters (account, address,
 * …) and a script's keys must share a slot, so all counters of one `keyPrefix` live in one slot.
 */
export function bruteForceKeyPrefix(keyPrefix: string): string {
  return `{${keyPrefix}bf}:`;
}

/**
 * {@link AttemptCounter} on Redis, shared by every instance. Keys are
 * `{<keyPrefix>bf}:<kind>:<sha256(subject)>` ({@link bruteForceKeyPrefix}), built by the limiter:
 * no username or address is written to Redis in clear. Every failure rejects; the limiter then
 * falls back to memory.
 */
export class RedisAttemptCounter implements AttemptCounter {
  constructor(private readonly client: Redis) {}

  async acquire(keys: readonly CounterKey[], now: number): Promise<AcquireResult> {
    const args: Array<string | number> = [Math.floor(now)];
    for (const { policy } of keys) {
      args.push(
        policy.freeAttempts,
        policy.lockSeconds * 1000,
        policy.maxLockSeconds * 1000,
        policy.resetAfterSeconds * 1000,
      );
    }
    const reply = await this.run(
      ACQUIRE_SCRIPT,
      keys.map((k) => k.key),
      args,
    );
    if (!Array.isArray(reply) || reply.length !== 2) throw new Error('unexpected script reply');
    return Number(reply[0]) === 1
      ? { allowed: true }
      : { allowed: false, lockedUntil: Number(reply[1]) };
  }

  async release(keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await this.run(RELEASE_SCRIPT, keys, []);
  }

  async reset(keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await this.client.del(...keys);
  }

  async read(key: string, policy: LockoutPolicy, now: number): Promise<CounterState> {
    const raw = await this.client.get(key);
    const match = raw === null ? null : /^(\d+):(\d+):(\d+)$/.exec(raw);
    if (!match) return { attempts: 0, lockedUntil: 0 };
    const record = { n: Number(match[1]), lock: Number(match[2]), last: Number(match[3]) };
    if (isForgotten(record, policy, now)) return { attempts: 0, lockedUntil: 0 };
    return { attempts: record.n, lockedUntil: record.lock };
  }

  /** EVALSHA, loading the script with EVAL when the server does not know it yet. */
  private async run(
    script: string,
    keys: readonly string[],
    args: ReadonlyArray<string | number>,
  ): Promise<unknown> {
    try {
      return await this.client.evalsha(sha1(script), keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.client.eval(script, keys.length, ...keys, ...args);
    }
  }
}

const shas = new Map<string, string>();
function sha1(script: string): string {
  let sha = shas.get(script);
  if (sha === undefined) {
    sha = createHash('sha1').update(script).digest('hex');
    shas.set(script, sha);
  }
  return sha;
}
