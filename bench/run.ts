import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { FULL, QUICK, type BenchContext, type Settings } from './lib/context.js';
import { pinLoadGenerator } from './lib/processes.js';
import { machineInfo, projectRoot, testServices, versions } from './lib/project.js';
import { formatTable, writeReport, type Row } from './lib/report.js';
import type { PropagationObservation } from './lib/propagation.js';
import { authorizationCodeScenario } from './scenarios/authorization-code.js';
import { deviceScenario, type DevicePollingObservation } from './scenarios/device.js';
import { guardScenarios } from './scenarios/guard.js';
import { instancesScenario, type ProxyCpuObservation } from './scenarios/instances.js';
import { passwordScenario } from './scenarios/password.js';
import { scaleScenario, type LookupObservation } from './scenarios/scale.js';

const USAGE = `npm run bench -- [--quick] [--out FILE]
                    [--only guard,password,scale,instances,code,device]
                    [--rounds N] [--duration SECONDS] [--scale-large N] [--profile DIR]`;

const SCENARIOS = ['guard', 'password', 'scale', 'instances', 'code', 'device'] as const;

/**
 * Every server process (Sentinel on both platforms, the peer, the bcrypt limit) runs with the
 * same V8 heap budget, as a deployment with 256 MB for the heap would (Node sizes the heap from
 * a container's memory limit the same way). Without it, on a machine with plenty of memory, V8
 * lets the old generation grow to several times the live heap (~33 MB here) before a full
 * collection, and Express 5 promotes about a quarter of each request's allocations there: the
 * Express server then peaks at ~245 MB of garbage, Fastify at ~145 MB (bench/README.md).
 */
const SERVER_NODE_FLAGS = ['--max-old-space-size=256'];
type ScenarioName = (typeof SCENARIOS)[number];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      only: { type: 'string' },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      'scale-large': { type: 'string' },
      profile: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const settings: Settings = { ...(values.quick ? QUICK : FULL) };
  if (values.rounds !== undefined) settings.rounds = positive('--rounds', values.rounds);
  if (values.duration !== undefined) settings.durationSec = positive('--duration', values.duration);
  if (values['scale-large'] !== undefined) {
    settings.scaleLarge = positive('--scale-large', values['scale-large']);
  }
  const only = (values.only?.split(',') ?? [...SCENARIOS]) as ScenarioName[];
  for (const name of only) {
    if (!SCENARIOS.includes(name)) throw new Error(`unknown scenario ${name}; ${USAGE}`);
  }
  const out =
    values.out ??
    (settings.mode === 'quick'
      ? join(tmpdir(), 'sentinel-bench-quick.json')
      : join(projectRoot(), 'bench', 'results', 'latest.json'));

  const started = Date.now();
  const loadBefore = loadavg();
  const log = (message: string) =>
    console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${message}`);
  // Pinned before anything is spawned: redis-server and FerretDB inherit the load generator's core.
  const pinning = pinLoadGenerator();
  log(
    pinning
      ? `pinned: servers on core ${pinning.server}, load generator and databases on core ${pinning.loadGenerator}`
      : 'not pinned (needs taskset and 2 cores): results are noisier',
  );
  const services = await testServices();
  const redisDir = services.makeServiceDir('sentinel-bench-redis-');
  const ferretDir = services.makeServiceDir('sentinel-bench-ferretdb-');
  const context: BenchContext = {
    settings,
    pinning,
    services,
    mongoUrl: '',
    redisUrl: '',
    mongoDescription: '',
    redisDescription: '',
    redis: undefined as unknown as Redis,
    workDir: redisDir.path,
    log,
    nodeArgs: [
      ...SERVER_NODE_FLAGS,
      ...(values.profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${values.profile}`]),
    ],
    cleanups: [],
  };
  const redis = await services.startRedis(redisDir.path);
  const ferret = await services.startFerretDb(ferretDir.path);
  context.mongoUrl = ferret.url;
  context.redisUrl = redis.url;
  context.mongoDescription = ferret.description;
  context.redisDescription = redis.description;
  context.redis = new Redis(redis.url);
  log(`${redis.description}; ${ferret.description}`);

  const rows: Row[] = [];
  let observations: LookupObservation[] = [];
  let propagation: PropagationObservation | undefined;
  let proxyCpu: ProxyCpuObservation | undefined;
  let devicePolling: DevicePollingObservation[] | undefined;
  try {
    if (only.includes('guard')) rows.push(...(await guardScenarios(context)));
    if (only.includes('password')) rows.push(...(await passwordScenario(context)));
    if (only.includes('scale')) {
      const scale = await scaleScenario(context);
      rows.push(...scale.rows);
      observations = scale.observations;
    }
    if (only.includes('instances')) {
      const instances = await instancesScenario(context);
      rows.push(...instances.rows);
      propagation = instances.propagation;
      proxyCpu = instances.proxyCpu;
    }
    if (only.includes('code')) rows.push(...(await authorizationCodeScenario(context)));
    if (only.includes('device')) devicePolling = await deviceScenario(context);
  } finally {
    for (const cleanup of context.cleanups.splice(0).reverse())
      await cleanup().catch(() => undefined);
    context.redis.disconnect();
    await ferret.stop();
    await redis.stop();
    ferretDir.remove();
    redisDir.remove();
  }

  // Baselines count too: a failed request in either side of a ratio makes the report invalid.
  const failed = (m: Row['measured'] | undefined) => (m ? m.non2xx + m.errors : 0);
  const invalid = rows.filter((row) => failed(row.measured) + failed(row.baseline) > 0);
  const targets = rows
    .filter((row) => row.target !== undefined)
    .map((row) => ({ id: row.id, ratio: row.ratio, cpuRatio: row.cpuRatio, ...row.target }));
  for (const platform of ['express', 'fastify'] as const) {
    // The Sentinel servers of this platform (not the peer, not the bcrypt helper).
    const peaks = rows
      .filter((row) => row.platform === platform && !row.id.startsWith('peer'))
      .map((row) => row.measured.peakRssMb)
      .filter(Number.isFinite);
    if (peaks.length === 0) continue;
    const peak = Math.max(...peaks);
    targets.push({
      id: `rss-${platform}`,
      ratio: peak,
      cpuRatio: undefined,
      text: `${platform}: peak RSS under load < 200 MB (${peak} MB)`,
      met: peak < 200,
      metPerCpuSecond: undefined,
    });
  }
  const report = {
    schema: 1,
    generatedAt: new Date().toISOString(),
    mode: settings.mode,
    durationSec: Math.round((Date.now() - started) / 1000),
    valid:
      invalid.length === 0 &&
      (propagation?.failures ?? 0) === 0 &&
      (devicePolling ?? []).every((observation) => observation.failures === 0),
    machine: {
      ...machineInfo(),
      pinning,
      // Other work on the machine shows here: the measured processes alone load it by about 2.
      loadAverage1m: { start: round2(loadBefore[0]), end: round2(loadavg()[0]) },
    },
    versions: versions(services),
    settings: { ...settings, serverNodeFlags: SERVER_NODE_FLAGS },
    scenarios: rows,
    targets,
    observations: {
      ferretdbTokenLookup: observations,
      revocationPropagation: propagation,
      instancesProxyCpu: proxyCpu,
      devicePolling,
    },
  };
  writeReport(out, report);
  console.log(`\n${formatTable(rows)}\n`);
  if (settings.mode === 'quick')
    console.log('Quick mode: a smoke test; these numbers mean nothing.');
  if (propagation !== undefined) {
    const p = propagation;
    console.log(
      `Revocation propagation (${p.instances} instances, localCache ${p.localCache}; ${p.redis}; ` +
        `${p.mongo}): revoke's 200 → first 401 on each other instance, ${p.samples} samples of ` +
        `${p.revocations} revocations: p50 ${p.p50Ms} ms, p99 ${p.p99Ms} ms, max ${p.maxMs} ms; ` +
        `all others refused: p50 ${p.allOthersP50Ms} ms, p99 ${p.allOthersP99Ms} ms; refused at ` +
        `the first poll ${p.refusedAtFirstPoll}/${p.samples}; one request's round trip p50 ` +
        `${p.requestRoundTripP50Ms} ms; failures ${p.failures}`,
    );
  }
  if (proxyCpu !== undefined) {
    console.log(
      `The proxy's CPU share of one core: ${proxyCpu.threeInstances} with 3 instances, ` +
        `${proxyCpu.oneInstance} with 1`,
    );
  }
  for (const d of devicePolling ?? []) {
    const passes = d.passes
      .map(
        (p) =>
          `${p.pass} pass ${p.polls} polls at ${p.pollsPerSec}/s (` +
          Object.entries(p.answers)
            .map(([answer, a]) => `${answer} ${a.count}: p50 ${a.p50Ms} ms, p99 ${a.p99Ms} ms`)
            .join('; ') +
          ')',
      )
      .join('; ');
    console.log(
      `Device polling (${d.platform}, ${d.codes} codes × ${d.rounds} rounds, ${d.connections} ` +
        `connections): ${passes}; MongoDB operations while polling ` +
        `${JSON.stringify(d.mongoOpsWhilePolling)} (not sentinel_clients: ` +
        `${d.mongoOpsBeyondClientAuthentication}); failures ${d.failures}`,
    );
  }
  if (invalid.length > 0) {
    console.error(`Runs with failed requests: ${invalid.map((row) => row.id).join(', ')}`);
  }
  for (const target of targets.filter((t) => t.id.startsWith('rss-'))) {
    console.log(`${target.text}: ${target.met ? 'met' : 'MISSED'}`);
  }
  log(`wrote ${out}`);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function positive(flag: string, value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`${flag} must be a positive number`);
  return number;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
