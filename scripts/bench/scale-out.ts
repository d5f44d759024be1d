// Scale-out: a 2,000-request suite (8 collections × 5 folders) run serially (also with Newman's own
// timers), as a simulated CI matrix (each of 4 shards a process of its own, one after another, its
// wall time measured) and with --parallel 2, against a local API as fast as it can answer and
// against one that answers after a network's round trip; and the merge of the 4 shards' reports.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Collection } from '../../src/generator/collection-types.js';
import { embedScript, type ScriptVariants } from '../../src/generator/embed.js';
import { mergeReports } from '../../src/runner/merge/merge-reports.js';
import { figure, type Figure } from './stats.js';
import { benchVariableArgs, listen, NEWMAN_BIN, time } from './whole-process.js';

const PM_OAUTH2_BIN = new URL('../../bin/pm-oauth2.js', import.meta.url).pathname;
const COLLECTIONS = 8;
const FOLDERS = 5;
const SHARDS = 4;

/** The figures for one API: serial, the simulated matrix by count and by timings, --parallel 2. */
export interface ScaleOutProfile {
  /** How long the API takes to answer (0: as fast as a local process can). */
  readonly latencyMs: number;
  readonly serialMs: Figure;
  /** The serial run with PM_OAUTH2_EXACT_TIMERS=1: Newman's own 1 ms per step of a request. */
  readonly serialExactTimersMs: Figure;
  /** The longest of the 4 shards, each run alone; and the longest over the mean (balance). */
  readonly shardsMs: { readonly byCount: Figure; readonly byTimings: Figure };
  readonly balance: { readonly byCount: number; readonly byTimings: number };
  readonly ratio: { readonly byCount: number; readonly byTimings: number; readonly parallel2: number };
  readonly parallel2Ms: Figure;
  readonly parallelTokenRequests: number;
  /** What no split can beat, measured on the same machine (see floors). */
  readonly floors: Floors;
}

/**
 * The bounds the machine sets, measured: a job's fixed cost (a `pm-oauth2 run` of one request: the
 * process, Newman's modules, one Newman run, the reports) is paid by every shard, so even a perfect
 * split of n jobs takes at least that plus 1/n of the rest of the serial run; and n workers on this
 * machine's cores cannot finish before the serial run's CPU time (the runner's and the API's) spread
 * over all of them.
 */
export interface Floors {
  readonly jobFixedMs: Figure;
  /** `newman run` of the same one request: what any Newman-based job pays. */
  readonly newmanFixedMs: Figure;
  /** The serial run's CPU time, the runner's and the API's, in milliseconds. */
  readonly serialCpuMs: Figure;
  /** (fixed + (serial − fixed) / 4) / serial. */
  readonly idealShardRatio: number;
  /** serial CPU / (cores × serial wall), at most 1 worker per core. */
  readonly parallel2Ratio: number;
}

export interface ScaleOutResult {
  readonly requests: number;
  /** Against the local API as it is, then against one that answers after LATENCY_MS (a remote API's round trip). */
  readonly local: ScaleOutProfile;
  readonly remote: ScaleOutProfile;
  /** The merge's own work, in process, its modules loaded. */
  readonly mergeMs: Figure;
  /** `pm-oauth2 merge-reports`, a process of its own, as a CI merge job runs it. */
  readonly mergeCliMs: Figure;
}

/** A round trip to an API elsewhere on the network, as a CI job usually has it. */
export const LATENCY_MS = 10;

export async function benchScaleOut(scripts: ScriptVariants, rounds: number): Promise<ScaleOutResult> {
  const dir = await mkdtemp(join(tmpdir(), 'pm-oauth2-bench-scale-'));
  try {
    const merge = { inProcess: [] as number[], cli: [] as number[] };
    const local = await profile(scripts, rounds, 0, join(dir, 'local'), merge);
    const remote = await profile(scripts, rounds, LATENCY_MS, join(dir, 'remote'), { inProcess: [], cli: [] });
    return { requests: SUITE_REQUESTS, local, remote, mergeMs: figure(merge.inProcess), mergeCliMs: figure(merge.cli) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const SUITE_REQUESTS = 2000;

async function profile(
  scripts: ScriptVariants,
  rounds: number,
  latencyMs: number,
  dir: string,
  mergeSamples: { inProcess: number[]; cli: number[] },
): Promise<ScaleOutProfile> {
  let tokenRequests = 0;
  const server = await listen((url) => {
    if (url !== '/token') return 'ok';
    tokenRequests++;
    return JSON.stringify({ access_token: 'bench-token', token_type: 'Bearer', expires_in: 3600 });
  }, latencyMs);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const suite = join(dir, 'suite');
    await mkdir(suite, { recursive: true });
    // Uneven folders (10…90 requests), so a split by count and one by time can differ.
    const sizes = Array.from({ length: COLLECTIONS * FOLDERS }, (_, i) => 10 + ((i * 37) % 81));
    const scale = SUITE_REQUESTS / sizes.reduce((a, b) => a + b, 0);
    const counts = sizes.map((s) => Math.max(1, Math.round(s * scale)));
    counts[0] = (counts[0] ?? 0) + SUITE_REQUESTS - counts.reduce((a, b) => a + b, 0);
    for (let c = 0; c < COLLECTIONS; c++)
      await writeFile(
        join(suite, `c${c}.postman_collection.json`),
        JSON.stringify(
          embedScript(collection(base, c, counts.slice(c * FOLDERS, (c + 1) * FOLDERS)), scripts).collection,
        ),
      );
    const env = [...benchVariableArgs(base), '-r', 'json'];
    const run = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
      time(PM_OAUTH2_BIN, ['run', suite, ...env, ...args], extraEnv);
    const samples = {
      serial: [] as number[],
      exact: [] as number[],
      byCount: [] as number[],
      byTimings: [] as number[],
      parallel: [] as number[],
      balanceCount: [] as number[],
      balanceTimings: [] as number[],
      fixed: [] as number[],
      newmanFixed: [] as number[],
      serialCpu: [] as number[],
    };
    const one = join(dir, 'one');
    await mkdir(one, { recursive: true });
    await writeFile(
      join(one, 'one.postman_collection.json'),
      JSON.stringify(embedScript(collection(base, 0, [1]), scripts).collection),
    );
    const cpuFile = join(dir, 'cpu.json');
    const cpuProbe = join(dir, 'cpu-probe.cjs');
    await writeFile(cpuProbe, CPU_PROBE);
    await run(['--report-dir', join(dir, 'warm')]);
    for (let round = 0; round < rounds; round++) {
      const cpuBefore = process.cpuUsage();
      samples.serial.push(
        await run(['--report-dir', join(dir, 'serial')], {
          NODE_OPTIONS: `--require ${cpuProbe}`,
          PM_OAUTH2_BENCH_CPU_FILE: cpuFile,
        }),
      );
      // The API answers in this process, which does nothing else while it waits for the run.
      const api = process.cpuUsage(cpuBefore);
      const runner = JSON.parse(await readFile(cpuFile, 'utf8')) as NodeJS.CpuUsage;
      samples.serialCpu.push((api.user + api.system + runner.user + runner.system) / 1000);
      samples.fixed.push(await time(PM_OAUTH2_BIN, ['run', one, ...env, '--report-dir', join(dir, 'one-report')]));
      const oneNewman = ['run', join(one, 'one.postman_collection.json'), ...benchVariableArgs(base), '-r', 'json'];
      samples.newmanFixed.push(
        await time(NEWMAN_BIN, [...oneNewman, '--reporter-json-export', join(dir, 'one-newman.json')]),
      );
      samples.exact.push(await run(['--report-dir', join(dir, 'serial')], { PM_OAUTH2_EXACT_TIMERS: '1' }));
      const byCount = await shards(run, join(dir, `count-${round}`), []);
      const byTimings = await shards(run, join(dir, `time-${round}`), ['--shard-timings', join(dir, `count-${round}`)]);
      samples.byCount.push(Math.max(...byCount));
      samples.byTimings.push(Math.max(...byTimings));
      samples.balanceCount.push(Math.max(...byCount) / mean(byCount));
      samples.balanceTimings.push(Math.max(...byTimings) / mean(byTimings));
      const before = tokenRequests;
      samples.parallel.push(await run(['--parallel', '2', '--report-dir', join(dir, `parallel-${round}`)]));
      if (tokenRequests - before !== 1)
        throw new Error(`--parallel 2 made ${tokenRequests - before} token requests, not 1`);
      // Its modules (Newman's JUnit reporter) load once: the in-process figure is the merge's work.
      if (!round) await mergeReports([join(dir, `time-${round}`)], join(dir, 'merged-warm'));
      const started = performance.now();
      await mergeReports([join(dir, `time-${round}`)], join(dir, `merged-${round}`));
      mergeSamples.inProcess.push(performance.now() - started);
      mergeSamples.cli.push(
        await time(PM_OAUTH2_BIN, [
          'merge-reports',
          join(dir, `time-${round}`),
          '--out',
          join(dir, `merged-cli-${round}`),
        ]),
      );
    }
    const serial = figure(samples.serial);
    return {
      latencyMs,
      serialMs: serial,
      serialExactTimersMs: figure(samples.exact),
      shardsMs: { byCount: figure(samples.byCount), byTimings: figure(samples.byTimings) },
      balance: { byCount: figure(samples.balanceCount).median, byTimings: figure(samples.balanceTimings).median },
      ratio: {
        byCount: figure(samples.byCount).median / serial.median,
        byTimings: figure(samples.byTimings).median / serial.median,
        parallel2: figure(samples.parallel).median / serial.median,
      },
      parallel2Ms: figure(samples.parallel),
      parallelTokenRequests: 1,
      floors: floorsOf(serial.median, figure(samples.fixed), figure(samples.newmanFixed), figure(samples.serialCpu)),
    };
  } finally {
    server.close();
  }
}

/** Written where NODE_OPTIONS --require loads it: the process's CPU time, when it exits. */
const CPU_PROBE = `process.on('exit', () => require('node:fs').writeFileSync(process.env.PM_OAUTH2_BENCH_CPU_FILE, JSON.stringify(process.cpuUsage())));`;

function floorsOf(serialMs: number, jobFixedMs: Figure, newmanFixedMs: Figure, serialCpuMs: Figure): Floors {
  return {
    jobFixedMs,
    newmanFixedMs,
    serialCpuMs,
    idealShardRatio: (jobFixedMs.median + (serialMs - jobFixedMs.median) / SHARDS) / serialMs,
    parallel2Ratio: Math.max(0.5, serialCpuMs.median / (Math.min(2, availableParallelism()) * serialMs)),
  };
}

/** Each shard a process of its own, one after another: a CI matrix on one machine. */
async function shards(run: (args: string[]) => Promise<number>, reportDir: string, extra: string[]): Promise<number[]> {
  const times: number[] = [];
  for (let index = 1; index <= SHARDS; index++)
    times.push(await run(['--shard', `${index}/${SHARDS}`, '--report-dir', join(reportDir, `s${index}`), ...extra]));
  return times;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function collection(base: string, c: number, folderSizes: readonly number[]): Collection {
  return {
    info: { name: `bench ${c}`, schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
    item: folderSizes.map((size, f) => ({
      name: `folder ${f}`,
      item: Array.from({ length: size }, (_, r) => ({
        name: `r${r}`,
        request: { method: 'GET', url: `${base}/api/c${c}/f${f}/${r}` },
      })),
    })),
  };
}
