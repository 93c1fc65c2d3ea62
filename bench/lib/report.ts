import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Platform } from './config.js';
import { round, type LoadResult } from './load.js';

/** One (server, route) measured over one or more rounds, and what the server used meanwhile. */
export interface Measurement {
  label: string;
  /** Median over rounds of successful responses per second. */
  rps: number;
  /** Medians over rounds of each round's own percentile, in milliseconds. */
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: number;
  /** The server process's peak resident set size (VmHWM) after the last round, MiB. */
  peakRssMb: number;
  /** Mean CPU the server used during the runs, as a share of one core. */
  serverCpu: number;
  /**
   * Median over rounds of the server's CPU time per successful response, in microseconds, and
   * its inverse: responses per CPU-second, what one fully available core would sustain. Less
   * sensitive than req/s to other processes competing for the machine.
   */
  cpuUsPerRequest: number;
  perCpuSecond: number;
  /** Mean CPU the load generator used during the runs, as a share of one core. */
  loadGeneratorCpu: number;
  /** Successful responses per second of each round, in order. */
  roundsRps: number[];
  roundsP99Ms: number[];
  /** Server CPU time per successful response of each round, in order (µs). */
  roundsCpuUsPerRequest: number[];
  /** Responses by status code, all rounds together. */
  statuses: Record<string, number>;
  /** The status that counted as success, when not any 2xx (a sign-in's `303`). */
  okStatus?: number;
}

export interface Target {
  text: string;
  /** `ratio >= min` (or `ratio <= max`) held. */
  met: boolean;
  /** The same for `cpuRatio`, where there is one. */
  metPerCpuSecond?: boolean;
}

export interface Row {
  id: string;
  scenario: 1 | 2 | 3 | 4 | 5 | 6 | 7;
  title: string;
  platform?: Platform;
  measured: Measurement;
  baseline?: Measurement;
  /**
   * measured / baseline, of `ratioOf`: the median of the per-round ratios when both were
   * measured in the same rounds (each round's pair ran back to back, so drift on the machine
   * cancels out), otherwise the ratio of the medians.
   */
  ratio?: number;
  /** The per-round ratios the median was taken of, in round order (paired rows only). */
  roundRatios?: number[];
  /** For throughput rows: measured / baseline of responses per server CPU-second. */
  cpuRatio?: number;
  ratioOf?: 'rps' | 'p99';
  target?: Target;
  /** Another row holding the same measurement (shown once, referenced here). */
  sameAs?: string;
  note?: string;
}

/** Accumulates the rounds of one (server, route). */
export class Series {
  private readonly results: LoadResult[] = [];
  private readonly cpu: number[] = [];
  private readonly cpuPerRequest: number[] = [];
  private rss = 0;

  constructor(
    readonly label: string,
    private readonly okStatus?: number,
  ) {}

  /** @param serverCpuSeconds CPU time the server used during the run. */
  add(result: LoadResult, serverCpuSeconds: number, peakRssMb: number): void {
    this.results.push(result);
    this.cpu.push(serverCpuSeconds / result.durationSec);
    this.cpuPerRequest.push(result.ok > 0 ? (serverCpuSeconds * 1e6) / result.ok : NaN);
    this.rss = Math.max(this.rss, peakRssMb);
  }

  get size(): number {
    return this.results.length;
  }

  summary(): Measurement {
    const r = this.results;
    return {
      label: this.label,
      rps: round(median(r.map((x) => x.rps)), 1),
      p50Ms: round(median(r.map((x) => x.p50Ms)), 3),
      p99Ms: round(median(r.map((x) => x.p99Ms)), 3),
      requests: sum(r.map((x) => x.requests)),
      non2xx: sum(r.map((x) => x.non2xx)),
      errors: sum(r.map((x) => x.errors)),
      peakRssMb: this.rss,
      serverCpu: round(mean(this.cpu), 2),
      cpuUsPerRequest: round(median(this.cpuPerRequest), 1),
      perCpuSecond: round(1e6 / median(this.cpuPerRequest), 0),
      loadGeneratorCpu: round(mean(r.map((x) => x.loadGeneratorCpu)), 2),
      roundsRps: r.map((x) => x.rps),
      roundsP99Ms: r.map((x) => x.p99Ms),
      roundsCpuUsPerRequest: this.cpuPerRequest.map((x) => round(x, 1)),
      statuses: r.reduce<Record<string, number>>((all, x) => {
        for (const [code, n] of Object.entries(x.statuses)) all[code] = (all[code] ?? 0) + n;
        return all;
      }, {}),
      ...(this.okStatus === undefined ? {} : { okStatus: this.okStatus }),
    };
  }
}

export function compare(
  row: Omit<Row, 'ratio' | 'target'>,
  target?: { min?: number; max?: number; text: string },
): Row {
  const { measured, baseline, ratioOf = 'rps' } = row;
  if (baseline === undefined) return row;
  const [mine, theirs] =
    ratioOf === 'rps'
      ? [measured.roundsRps, baseline.roundsRps]
      : [measured.roundsP99Ms, baseline.roundsP99Ms];
  const paired = pairedRatios(mine, theirs);
  const ratio =
    paired !== undefined
      ? round(median(paired), 3)
      : ratioOf === 'rps'
        ? round(measured.rps / baseline.rps, 3)
        : round(measured.p99Ms / baseline.p99Ms, 3);
  const full: Row = { ...row, ratioOf, ratio };
  if (paired !== undefined) full.roundRatios = paired.map((x) => round(x, 3));
  if (ratioOf === 'rps' && Number.isFinite(baseline.perCpuSecond)) {
    // Responses per CPU-second is the inverse of CPU time per response.
    const cpuPaired = pairedRatios(baseline.roundsCpuUsPerRequest, measured.roundsCpuUsPerRequest);
    full.cpuRatio = round(
      cpuPaired !== undefined ? median(cpuPaired) : measured.perCpuSecond / baseline.perCpuSecond,
      3,
    );
  }
  if (target !== undefined) {
    const met =
      Number.isFinite(ratio) &&
      (target.min === undefined || ratio >= target.min) &&
      (target.max === undefined || ratio <= target.max);
    const cpuMet =
      full.cpuRatio === undefined
        ? undefined
        : (target.min === undefined || full.cpuRatio >= target.min) &&
          (target.max === undefined || full.cpuRatio <= target.max);
    full.target = { text: target.text, met, metPerCpuSecond: cpuMet };
  }
  return full;
}

/** `a[i] / b[i]` for every round, when both series have the same rounds (more than one). */
function pairedRatios(a: number[], b: number[]): number[] | undefined {
  if (a.length < 2 || a.length !== b.length) return undefined;
  return a.map((x, i) => x / b[i]);
}

export function median(values: number[]): number {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return NaN;
  const mid = finite.length >> 1;
  return finite.length % 2 === 1 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
}

function mean(values: number[]): number {
  return values.length === 0 ? NaN : sum(values) / values.length;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** The table printed at the end of a run. */
export function formatTable(rows: Row[]): string {
  const header = [
    '#',
    'scenario',
    'req/s',
    'p50 ms',
    'p99 ms',
    'RSS MB',
    'srv CPU',
    'req/CPU-s',
    'ratio',
    'rounds IQR',
    'CPU ratio',
    'target: req/s; per CPU-s',
  ];
  const verdict = (met: boolean | undefined) => (met === undefined ? '-' : met ? 'met' : 'MISSED');
  const numeric = (value: number, digits: number) =>
    Number.isFinite(value) ? value.toFixed(digits) : '';
  const lines = rows.map((row) => {
    const m = row.measured;
    const failed = Object.entries(m.statuses)
      .filter(([code]) =>
        m.okStatus === undefined ? !code.startsWith('2') : code !== `${m.okStatus}`,
      )
      .map(([code, n]) => `${n}× ${code}`);
    if (m.errors > 0) failed.push(`${m.errors} errors`);
    const flagged = failed.length > 0 ? ` [${failed.join(', ')}]` : '';
    return [
      String(row.scenario),
      `${row.title}${row.sameAs ? ` (= ${row.sameAs})` : ''}${flagged}`,
      numeric(m.rps, 0),
      numeric(m.p50Ms, 2),
      numeric(m.p99Ms, 2),
      numeric(m.peakRssMb, 0),
      Number.isFinite(m.serverCpu) ? `${Math.round(m.serverCpu * 100)}%` : '',
      numeric(m.perCpuSecond, 0),
      row.ratio === undefined
        ? ''
        : `${row.ratio.toFixed(2)}×${row.ratioOf === 'p99' ? ' p99' : ''}`,
      row.roundRatios === undefined ? '' : interquartile(row.roundRatios),
      row.cpuRatio === undefined ? '' : `${row.cpuRatio.toFixed(2)}×`,
      row.target
        ? `${row.target.text}: ${verdict(row.target.met)}; ${verdict(row.target.metPerCpuSecond)}`
        : '',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells: string[]) =>
    cells
      .map((cell, i) => (i >= 2 && i <= 10 ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [format(header), rule, ...lines.map(format)].join('\n');
}

/** The middle half of the per-round ratios: how much the rounds agreed. */
function interquartile(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.round(q * (sorted.length - 1))];
  return `${at(0.25).toFixed(2)}–${at(0.75).toFixed(2)}`;
}

export function writeReport(path: string, report: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(report, null, 2)}\n`);
  // Renamed into place, so a reader never sees half a file.
  renameSync(temporary, path);
}
