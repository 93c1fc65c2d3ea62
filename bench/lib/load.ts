import autocannon from 'autocannon';

/** One load run against one route. */
export interface LoadSpec {
  url: string;
  path: string;
  method?: 'GET' | 'POST';
  connections: number;
  durationSec: number;
  /** Stop after this many requests, `durationSec` being then a cap (`uniqueTokens`: each once). */
  amount?: number;
  /** Requests per second across all connections; omitted: as fast as the server answers. */
  overallRate?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Request bodies, one drawn at random for each request. */
  bodies?: readonly string[];
  /**
   * Bearer tokens, one drawn at random for each request (the same draw for every route
   * measured). Random rather than round-robin: autocannon's connections would otherwise walk the
   * list in lockstep, every one asking for the same token at the same moment.
   */
  tokens?: readonly string[];
  /** Bearer tokens handed out once each, across all connections, in order. */
  uniqueTokens?: readonly string[];
  /** Request bodies sent once each, across all connections, in order (single-use grants). */
  uniqueBodies?: readonly string[];
  /** Called with each response body (e.g. to keep the refresh tokens a grant returned). */
  onBody?: (status: number, body: string) => void;
  /** The status that counts as success instead of any 2xx (a sign-in answers `303`). */
  okStatus?: number;
  timeoutSec?: number;
}

export interface LoadResult {
  /** Successful (2xx) responses per second of the run. */
  rps: number;
  /** Successful (2xx) responses. */
  ok: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  durationSec: number;
  /** CPU this process (the load generator) used, as a share of one core. */
  loadGeneratorCpu: number;
  /** Responses by status code. */
  statuses: Record<string, number>;
}

/**
 * Runs autocannon in this process (pinned to the load generator's core). Latency percentiles
 * come from each response's own hrtime duration (autocannon's `response` event), in fractions
 * of a millisecond: autocannon's own histogram has whole-millisecond resolution, too coarse for
 * sub-millisecond answers.
 */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  let unique = 0;
  const headers = { ...spec.headers };
  const requests: autocannon.Request[] = [];
  if (spec.uniqueTokens !== undefined) {
    const pool = spec.uniqueTokens;
    requests.push({
      method: spec.method ?? 'GET',
      path: spec.path,
      setupRequest: (request) => {
        const token = pool[unique++ % pool.length];
        return { ...request, headers: { ...headers, authorization: `Bearer ${token}` } };
      },
    });
  } else if (spec.uniqueBodies !== undefined) {
    const pool = spec.uniqueBodies;
    requests.push({
      method: spec.method ?? 'GET',
      path: spec.path,
      headers,
      setupRequest: (request) => ({ ...request, body: pool[unique++ % pool.length] }),
    });
  } else if (spec.tokens !== undefined) {
    const withToken = spec.tokens.map((token) => ({
      ...headers,
      authorization: `Bearer ${token}`,
    }));
    requests.push({
      method: spec.method ?? 'GET',
      path: spec.path,
      setupRequest: (request) => ({
        ...request,
        headers: withToken[Math.floor(Math.random() * withToken.length)],
      }),
    });
  } else if (spec.bodies !== undefined) {
    const bodies = spec.bodies;
    requests.push({
      method: spec.method ?? 'GET',
      path: spec.path,
      headers,
      setupRequest: (request) => ({
        ...request,
        body: bodies[Math.floor(Math.random() * bodies.length)],
      }),
    });
  } else {
    requests.push({ method: spec.method ?? 'GET', path: spec.path, headers, body: spec.body });
  }

  if (spec.onBody !== undefined) {
    const onBody = spec.onBody;
    requests[0].onResponse = (status: number, body: string) => onBody(status, body);
  }

  const isOk = (status: number) =>
    spec.okStatus === undefined ? status >= 200 && status < 300 : status === spec.okStatus;
  const latencies = new LatencyRecorder();
  const statuses: Record<string, number> = {};
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  let lastResponseAt: bigint | undefined;
  const options: autocannon.Options = {
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSec,
    timeout: spec.timeoutSec ?? 30,
    requests,
  };
  if (spec.amount !== undefined) options.amount = spec.amount;
  if (spec.overallRate !== undefined) options.overallRate = spec.overallRate;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error, done) => (error ? reject(error) : resolve(done)));
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      lastResponseAt = process.hrtime.bigint();
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      if (isOk(statusCode)) latencies.add(responseTime);
    });
  });
  // A run bounded by `amount` is timed to its last answer: autocannon only notices it is done
  // at its next once-a-second sample tick, which would add up to a second of idle time.
  const endedAt =
    spec.amount !== undefined && lastResponseAt !== undefined
      ? lastResponseAt
      : process.hrtime.bigint();
  const wallSec = Number(endedAt - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const ok = spec.okStatus === undefined ? result['2xx'] : (statuses[spec.okStatus] ?? 0);
  return {
    rps: round(ok / wallSec, 1),
    ok,
    p50Ms: round(latencies.percentile(50), 3),
    p99Ms: round(latencies.percentile(99), 3),
    requests: result.requests.total,
    // With `okStatus`, every other answered status is a failure (a 2xx too).
    non2xx:
      spec.okStatus === undefined
        ? result.non2xx
        : Object.values(statuses).reduce((a, b) => a + b, 0) - ok,
    errors: result.errors + result.timeouts,
    durationSec: round(wallSec, 2),
    loadGeneratorCpu: round((cpu.user + cpu.system) / 1e6 / wallSec, 2),
    statuses,
  };
}

class LatencyRecorder {
  private values = new Float64Array(1 << 16);
  private count = 0;

  add(ms: number): void {
    if (this.count === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.count++] = ms;
  }

  percentile(p: number): number {
    if (this.count === 0) return NaN;
    const sorted = this.values.slice(0, this.count).sort();
    const rank = Math.min(this.count - 1, Math.max(0, Math.ceil((p / 100) * this.count) - 1));
    return sorted[rank];
  }
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
