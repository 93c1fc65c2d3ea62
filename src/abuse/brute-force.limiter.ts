import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Clock } from '../clock.js';
import type { ResolvedSentinelOptions } from '../options/resolved-options.js';
import { SENTINEL_OPTIONS, SENTINEL_REDIS } from '../sentinel.constants.js';
import type {
  AcquireResult,
  AttemptCounter,
  CounterKey,
  CounterState,
  LockoutPolicy,
} from './attempt-counter.js';
import { accountSubject } from './account-subject.js';
import { MemoryAttemptCounter } from './memory-attempt-counter.js';
import { bruteForceKeyPrefix, RedisAttemptCounter } from './redis-attempt-counter.js';
import { OutageLog, errorName } from '../outage-log.js';
import { tooManyAttempts } from './too-many-attempts.js';

export { accountSubject, normalizeUsername } from './account-subject.js';

/**
 * What a counter counts: password attempts per username or per address, failed client
 * authentications per address, management sign-ins per address and in total (ADR 0016), and
 * wrong device user codes per address and per browser (RFC 8628 §5.1, ADR 0023).
 */
export type AttemptKind =
  | 'account'
  | 'ip'
  | 'client'
  | 'management'
  | 'management-total'
  | 'user-code'
  | 'user-code-session';

/** The kinds whose policy is not a `bruteForce` option: {@link BruteForceLimiter.inspect} needs it. */
const POLICY_OF_CALLER: ReadonlySet<AttemptKind> = new Set([
  'management',
  'management-total',
  'user-code',
  'user-code-session',
]);

/** One counter an attempt charges, for callers outside the token endpoint (management). */
export interface ChargedCounter {
  kind: AttemptKind;
  /** A normalized address, a username, or any fixed name for a total. */
  subject: string;
  policy: LockoutPolicy;
  /** Whether success resets the counter, or only takes the attempt back. */
  resetOnSuccess: boolean;
}

/**
 * One attempt in progress, counted before the credentials are checked. Report exactly one
 * outcome; until then the attempt counts as a failure, which is what bounds a parallel burst.
 */
export interface Attempt {
  /** The credentials were right: the account counter is reset, the others take the attempt back. */
  succeeded(): Promise<void>;
  /** The credentials were wrong: the attempt stays counted as a failure. */
  failed(): void;
  /** The credentials could not be checked (storage down): the attempt is taken back. */
  abandoned(): Promise<void>;
}

const NO_ATTEMPT: Attempt = {
  succeeded: async () => undefined,
  failed: () => undefined,
  abandoned: async () => undefined,
};

interface Charged {
  key: string;
  policy: LockoutPolicy;
  /** Whether success resets the counter (accounts) or only takes the attempt back. */
  resetOnSuccess: boolean;
}

/**
 * Brute-force protection (RFC 6749 §4.3.2, docs/security.md 13, ADR 0007), applied by the password
 * grant (per username and per client address) and by client authentication (failures per
 * client address, ADR 0011).
 *
 * An attempt is counted atomically BEFORE the credentials are checked, over all its counters at
 * once: if any is locked the request is refused with 429 and `Retry-After` and nothing is
 * checked — the right password is refused too. Counting first means a burst of N parallel
 * guesses is bounded like N sequential ones: once the free attempts are used, at most one
 * attempt per lockout gets checked. Usernames are counted whether the user exists or not, and
 * the refusal is the same, so lockouts reveal nothing.
 *
 * Counters live in Redis when the module has one ({@link RedisAttemptCounter}, shared by every
 * instance), else in memory. When Redis fails, the attempt is counted in process memory instead
 * (logged once per outage) — never let through uncounted (docs/security.md 17). Locks taken in
 * memory during an outage are still honoured after Redis returns.
 */
@Injectable()
export class BruteForceLimiter {
  private readonly logger = new Logger('SentinelBruteForce');
  private readonly memory = new MemoryAttemptCounter();
  private readonly redisCounter: RedisAttemptCounter | null;
  private readonly redisOutage = new OutageLog(this.logger);

  constructor(
    @Inject(SENTINEL_OPTIONS) private readonly options: ResolvedSentinelOptions,
    @Inject(Clock) private readonly clock: Clock,
    @Optional() @Inject(SENTINEL_REDIS) redis: Redis | null = null,
  ) {
    this.redisCounter = redis === null ? null : new RedisAttemptCounter(redis);
  }

  /**
   * Starts a password-grant attempt for `username` from `address`. The account counter is per
   * (username, address) pair (issue 15, ADR 0007 revised): a stranger locks the account only
   * for their own address, and its owner still signs in from theirs.
   * @throws OAuthException 429 with `Retry-After` while the pair or the address is locked.
   */
  async beginPasswordAttempt(username: string, address: string | undefined): Promise<Attempt> {
    const { account, ip } = this.options.bruteForce;
    const charged: Charged[] = [];
    if (account !== false) {
      charged.push({
        key: this.key('account', accountSubject(username, address)),
        policy: account,
        resetOnSuccess: true,
      });
    }
    if (ip !== false && address !== undefined) {
      charged.push({ key: this.key('ip', address), policy: ip, resetOnSuccess: false });
    }
    return this.begin(charged);
  }

  /**
   * Records a failed client authentication from `address` (issue 15, ADR 0011): called only
   * AFTER the presented secret was checked and found wrong, so a correct secret is never
   * refused. Counted per client address, not per `client_id`: server-generated 256-bit secrets
   * cannot be guessed, and a per-id counter only let strangers lock a client out.
   * @throws OAuthException 429 with `Retry-After` while the address is locked (instead of 401).
   */
  async clientAuthenticationFailed(address: string | undefined): Promise<void> {
    const { client } = this.options.bruteForce;
    if (client === false || address === undefined) return;
    const attempt = await this.begin([
      { key: this.key('client', address), policy: client, resetOnSuccess: false },
    ]);
    attempt.failed();
  }

  /**
   * Starts an attempt that charges `counters`, on the same counters (Redis or memory) and with
   * the same count-first rule as the token endpoint's.
   * @throws OAuthException 429 with `Retry-After` while any of the counters is locked.
   */
  async beginAttempt(counters: readonly ChargedCounter[]): Promise<Attempt> {
    return this.begin(
      counters.map(({ kind, subject, policy, resetOnSuccess }) => ({
        key: this.key(kind, subject),
        policy,
        resetOnSuccess,
      })),
    );
  }

  /** The (account, address) counter of `username` from `address`, as it stands. */
  async inspectAccount(username: string, address: string | undefined): Promise<CounterState> {
    return this.inspect('account', accountSubject(username, address));
  }

  /**
   * A counter as it stands, for operators and tests: attempts counted and the lockout end (ms).
   * `subject` is a normalized address, or for `account` what {@link accountSubject} makes.
   * `policy` is needed for the kinds that are not token-endpoint options (`management`,
   * `management-total`, `user-code`, `user-code-session`).
   */
  async inspect(kind: AttemptKind, subject: string, policy?: LockoutPolicy): Promise<CounterState> {
    if (policy === undefined) {
      if (POLICY_OF_CALLER.has(kind)) {
        throw new Error(`inspect('${kind}') needs the counter's policy`);
      }
      const configured = this.options.bruteForce[kind as 'account' | 'ip' | 'client'];
      if (configured === false) return { attempts: 0, lockedUntil: 0 };
      policy = configured;
    }
    const key = this.key(kind, subject);
    const now = this.clock.now();
    if (this.redisCounter !== null) {
      try {
        return await this.redisCounter.read(key, policy, now);
      } catch (error) {
        this.noteRedisFailure(error);
      }
    }
    return this.memory.read(key, policy, now);
  }

  private async begin(charged: Charged[]): Promise<Attempt> {
    if (charged.length === 0) return NO_ATTEMPT;
    const now = this.clock.now();
    const keys: CounterKey[] = charged.map(({ key, policy }) => ({ key, policy }));
    // Locks counted in memory during a Redis outage still hold once Redis is back.
    const memoryLock = this.memory.lockedUntil(
      charged.map((c) => c.key),
      now,
    );
    if (memoryLock > now) throw tooManyAttempts((memoryLock - now) / 1000);

    if (this.redisCounter !== null) {
      let result: AcquireResult | undefined;
      try {
        result = await this.redisCounter.acquire(keys, now);
        this.noteRedisSuccess();
      } catch (error) {
        this.noteRedisFailure(error);
      }
      if (result !== undefined) {
        if (!result.allowed) throw tooManyAttempts((result.lockedUntil - now) / 1000);
        return this.attempt(this.redisCounter, charged);
      }
    }
    const result = await this.memory.acquire(keys, now);
    if (!result.allowed) throw tooManyAttempts((result.lockedUntil - now) / 1000);
    return this.attempt(this.memory, charged);
  }

  private attempt(counter: AttemptCounter, charged: Charged[]): Attempt {
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      return true;
    };
    const releasable = charged.map((c) => c.key);
    return {
      succeeded: async () => {
        if (!settle()) return;
        const resets = charged.filter((c) => c.resetOnSuccess).map((c) => c.key);
        const releases = charged.filter((c) => !c.resetOnSuccess).map((c) => c.key);
        // Memory too: it may still hold counts from a Redis outage.
        await this.memory.reset(resets);
        await this.safely(async () => {
          await counter.reset(resets);
          await counter.release(releases);
        });
      },
      failed: () => {
        settle();
      },
      abandoned: async () => {
        if (!settle()) return;
        await this.safely(() => counter.release(releasable));
      },
    };
  }

  /** Settling is best effort: a counter left one too high only errs on the safe side. */
  private async safely(operation: () => Promise<void>): Promise<void> {
    try {
      await operation();
    } catch (error) {
      this.noteRedisFailure(error);
    }
  }

  /** `{<keyPrefix>bf}:<kind>:<sha256(subject)>`: no username or address in clear in Redis. */
  private key(kind: AttemptKind, subject: string): string {
    const hashed = createHash('sha256').update(subject, 'utf8').digest('hex');
    return `${bruteForceKeyPrefix(this.options.keyPrefix)}${kind}:${hashed}`;
  }

  private noteRedisSuccess(): void {
    this.redisOutage.succeeded('Redis reachable again: brute-force attempts are counted there');
  }

  private noteRedisFailure(error: unknown): void {
    this.redisOutage.failed(
      () =>
        `Redis unavailable (${errorName(error)}); ` +
        'counting brute-force attempts in process memory until it recovers',
    );
  }
}
