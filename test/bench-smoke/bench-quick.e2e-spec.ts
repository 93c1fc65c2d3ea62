import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The report `npm run bench` writes; only its shape is checked here, never a speed. */
interface BenchReport {
  schema: number;
  mode: string;
  valid: boolean;
  machine: { cores: number; cpuModel: string };
  versions: Record<string, string>;
  settings: Record<string, unknown>;
  scenarios: Array<{
    id: string;
    scenario: number;
    title: string;
    measured: Measurement;
    baseline?: Measurement;
    ratio?: number;
    target?: { text: string; met: boolean };
  }>;
  targets: Array<{ id: string; text: string; met: boolean }>;
  observations: {
    ferretdbTokenLookup: Array<{ storedTokens: number; lookupMs: number }>;
    revocationPropagation: {
      revocations: number;
      samples: number;
      p50Ms: number;
      p99Ms: number;
      failures: number;
    };
    instancesProxyCpu: { threeInstances: number; oneInstance: number };
  };
}

interface Measurement {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  peakRssMb: number;
}

/** A hang guard, not a speed target (targets live in the bench): the quick run grows with each scenario. */
const TIMEOUT_MS = 240_000;

function runBench(out: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'bench', '--', '--quick', '--out', out], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bench --quick did not finish in ${TIMEOUT_MS} ms:\n${output}`));
    }, TIMEOUT_MS - 5_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** CI's smoke test of `npm run bench -- --quick`: it completes and writes a well-formed report. */
describe('npm run bench -- --quick', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-bench-smoke-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'completes and writes every scenario with numbers, versions and the machine',
    async () => {
      const out = join(dir, 'quick.json');
      const { code, output } = await runBench(out);
      expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });

      const report = JSON.parse(readFileSync(out, 'utf8')) as BenchReport;
      expect(report).toMatchObject({ schema: 1, mode: 'quick', valid: true });
      expect(report.machine.cores).toBeGreaterThan(0);
      for (const name of ['node', '@nestjs/core', 'redis-server', 'ferretdb', 'autocannon']) {
        expect(report.versions[name]).toMatch(/\d/);
      }
      expect(report.scenarios.map((row) => row.scenario).sort()).toEqual(
        expect.arrayContaining([1, 2, 3, 4, 5, 6, 7]),
      );
      const ids = report.scenarios.map((row) => row.id);
      for (const platform of ['express', 'fastify']) {
        for (const prefix of ['overhead', 'local-cache', 'redis-only', 'mongo-fallback']) {
          expect(ids).toContain(`${prefix}-${platform}`);
        }
        expect(ids).toContain(`password-${platform}-cost10`);
        expect(ids).toContain(`vs-peer-${platform}-redis`);
      }
      expect(ids).toContain('scale-p99');
      expect(ids).toContain('instances-3-vs-1');
      expect(ids).toContain('code-vs-refresh-express');
      expect(ids).toContain('sign-in-express-cost10');
      for (const row of report.scenarios) {
        expect(row.measured.rps).toBeGreaterThan(0);
        expect(row.measured.p99Ms).toBeGreaterThanOrEqual(row.measured.p50Ms);
        expect(row.measured.peakRssMb).toBeGreaterThan(0);
        expect(row.baseline?.rps).toBeGreaterThan(0);
        expect(typeof row.ratio).toBe('number');
      }
      expect(report.targets.length).toBeGreaterThanOrEqual(9);
      for (const target of report.targets) expect(typeof target.met).toBe('boolean');
      expect(report.observations.ferretdbTokenLookup).toHaveLength(2);
      // Scenario 6: every revocation refused by both other instances, none timed out.
      const propagation = report.observations.revocationPropagation;
      expect(propagation.failures).toBe(0);
      expect(propagation.samples).toBe(2 * propagation.revocations);
      expect(propagation.p99Ms).toBeGreaterThanOrEqual(propagation.p50Ms);
      expect(report.observations.instancesProxyCpu.threeInstances).toBeGreaterThan(0);
    },
    TIMEOUT_MS,
  );
});
