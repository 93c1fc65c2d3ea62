import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import bcrypt from 'bcrypt';
import {
  BACKENDS,
  createTestClient,
  startProtocolApp,
  type ProtocolApp,
  type TestClient,
} from '../revocation/protocol-testing.js';

// docs/security.md 14: an unknown username and a wrong password take the same time, so timing does
// not reveal which usernames exist. This is a security property, not a performance target: it
// compares medians of interleaved trials against one bcrypt comparison at the configured cost,
// measured in the same run, so a loaded machine slows all three alike.

const TRIALS = 200;
const COST = 10;
const PASSWORD = 'correct horse battery staple';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 0 ? (sorted[mid - 1] + sorted[mid]) / 2 : sorted[mid];
}

describe('password grant timing on FerretDB + redis-server (docs/security.md 14)', () => {
  let t: ProtocolApp;
  let client: TestClient;
  let base: string;
  const username = `timing-${Math.floor(Math.random() * 1e9)}`;

  beforeAll(async () => {
    const [, backend] = BACKENDS[1];
    t = await startProtocolApp({
      ...backend('timing'),
      bcryptCost: COST,
      // The limiter stays on (its cost is part of the path) but must not lock the trials out.
      bruteForce: {
        account: { freeAttempts: 100_000 },
        ip: { freeAttempts: 100_000 },
      },
    });
    client = await createTestClient(t.clients, { clientType: 'public' });
    await t.users.create({ username, password: PASSWORD });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await t.close();
  });

  async function timeSignIn(name: string): Promise<number> {
    const body = new URLSearchParams({
      grant_type: 'password',
      client_id: client.clientId,
      username: name,
      password: 'not the password',
    }).toString();
    const started = performance.now();
    const res = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    await res.text();
    const elapsed = performance.now() - started;
    expect(res.status).toBe(400);
    return elapsed;
  }

  it(`unknown user and wrong password differ by far less than one bcrypt hash (median of ${TRIALS})`, async () => {
    const reference = await bcrypt.hash('reference password', COST);
    const timeBcrypt = async () => {
      const started = performance.now();
      await bcrypt.compare('another password', reference);
      return performance.now() - started;
    };
    // Warm-up: JIT, connection pools, the store's lazily built dummy hash.
    for (let i = 0; i < 5; i++) {
      await timeSignIn(username);
      await timeSignIn(`nobody-${i}`);
    }
    const unknown: number[] = [];
    const wrong: number[] = [];
    const hash: number[] = [];
    for (let i = 0; i < TRIALS; i++) {
      // Interleaved, in an order that alternates, so drift in load hits all three alike.
      const steps = [
        async () => unknown.push(await timeSignIn(`nobody-${i}-${Math.random()}`)),
        async () => wrong.push(await timeSignIn(username)),
        async () => hash.push(await timeBcrypt()),
      ];
      if (i % 2 === 1) steps.reverse();
      for (const step of steps) await step();
    }
    const difference = Math.abs(median(unknown) - median(wrong));
    const bound = 0.25 * median(hash);
    console.log(
      `[timing] bcrypt cost ${COST}: median ${median(hash).toFixed(2)} ms; ` +
        `unknown user ${median(unknown).toFixed(2)} ms, wrong password ${median(wrong).toFixed(2)} ms; ` +
        `median difference ${difference.toFixed(2)} ms (bound ${bound.toFixed(2)} ms, ${TRIALS} trials each)`,
    );
    // Both paths really do a bcrypt comparison: neither is faster than half a hash.
    expect(median(unknown)).toBeGreaterThan(0.5 * median(hash));
    expect(median(wrong)).toBeGreaterThan(0.5 * median(hash));
    expect(difference).toBeLessThan(bound);
  }, 240_000);
});
