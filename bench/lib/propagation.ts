import type { HttpClient } from './http-client.js';
import { round } from './load.js';

/** How fast a revocation reaches the other instances (scenario 6, issue 17). */
export interface PropagationObservation {
  /** The Redis and MongoDB the instances shared. */
  redis: string;
  mongo: string;
  instances: number;
  localCache: string;
  revocations: number;
  /**
   * One sample per (revocation, other instance): from the revoke's 200 reaching the client to the
   * first 401 from that instance, polled in a tight loop (one request at a time).
   */
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Per revocation, until every other instance refused. */
  allOthersP50Ms: number;
  allOthersP99Ms: number;
  /** Samples whose first poll was refused: the broadcast was in before the revoker's 200 was read. */
  refusedAtFirstPoll: number;
  /** p50 of one `GET /protected` answered 200 on an instance: the floor of every sample. */
  requestRoundTripP50Ms: number;
  /** Logins or revocations that failed, and samples with no refusal within the deadline. */
  failures: number;
}

export interface PropagationRun {
  /** Every instance, directly; revocations go to each in turn. */
  instances: HttpClient[];
  /** The balancer, through which tokens are issued. */
  balancer: HttpClient;
  clientId: string;
  users: { prefix: string; count: number; password: string };
  revocations: number;
  deadlineMs: number;
  path: string;
}

/**
 * Issues a token through the balancer (password grant, RFC 6749 §4.3), has every instance accept
 * it once (so each holds it in its in-process cache), revokes it at one instance (RFC 7009 §2.1,
 * instances in turn) and, from that 200 on, polls every other instance until it answers 401.
 */
export async function measurePropagation(
  run: PropagationRun,
): Promise<Omit<PropagationObservation, 'redis' | 'mongo' | 'localCache'>> {
  const samples: number[] = [];
  const allOthers: number[] = [];
  const roundTrips: number[] = [];
  let refusedAtFirstPoll = 0;
  let failures = 0;
  for (let i = 0; i < run.revocations; i += 1) {
    const login = await run.balancer.postForm('/oauth/token', {
      grant_type: 'password',
      client_id: run.clientId,
      username: `${run.users.prefix}${i % run.users.count}`,
      password: run.users.password,
    });
    if (login.status !== 200) {
      failures += 1;
      continue;
    }
    const token = (JSON.parse(login.body) as { access_token: string }).access_token;
    for (const instance of run.instances) {
      const started = process.hrtime.bigint();
      const checked = await instance.get(run.path, token);
      if (checked.status !== 200) failures += 1;
      roundTrips.push(Number(checked.endedAt - started) / 1e6);
    }
    const revoker = i % run.instances.length;
    const revoked = await run.instances[revoker].postForm('/oauth/revoke', {
      client_id: run.clientId,
      token,
    });
    if (revoked.status !== 200) {
      failures += 1;
      continue;
    }
    const others = run.instances.filter((_, k) => k !== revoker);
    const refused = await Promise.all(
      others.map((instance) => untilRefused(instance, run.path, token, revoked.endedAt, run)),
    );
    for (const result of refused) {
      if (result === null) failures += 1;
      else {
        samples.push(result.ms);
        if (result.polls === 1) refusedAtFirstPoll += 1;
      }
    }
    if (refused.every((result) => result !== null)) {
      allOthers.push(Math.max(...refused.map((result) => result!.ms)));
    }
  }
  return {
    instances: run.instances.length,
    revocations: run.revocations,
    samples: samples.length,
    p50Ms: round(percentile(samples, 50), 3),
    p99Ms: round(percentile(samples, 99), 3),
    maxMs: round(Math.max(...samples), 3),
    allOthersP50Ms: round(percentile(allOthers, 50), 3),
    allOthersP99Ms: round(percentile(allOthers, 99), 3),
    refusedAtFirstPoll,
    requestRoundTripP50Ms: round(percentile(roundTrips, 50), 3),
    failures,
  };
}

async function untilRefused(
  instance: HttpClient,
  path: string,
  token: string,
  since: bigint,
  run: PropagationRun,
): Promise<{ ms: number; polls: number } | null> {
  const deadline = since + BigInt(run.deadlineMs) * 1_000_000n;
  for (let polls = 1; ; polls += 1) {
    const answer = await instance.get(path, token);
    if (answer.status === 401) return { ms: Number(answer.endedAt - since) / 1e6, polls };
    if (answer.status !== 200 || answer.endedAt > deadline) return null;
  }
}

/** Nearest-rank percentile; NaN for no values. */
function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
