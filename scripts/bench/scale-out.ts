// Scale-out: a 2,000-request suite (8 collections × 5 folders) against a local API, run serially,
// as a simulated CI matrix (each of 4 shards a process of its own, one after another, its wall time
// measured), with --parallel 2, and the merge of the 4 shards' reports.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Collection } from '../../src/generator/collection-types.js';
import { embedScript, type ScriptVariants } from '../../src/generator/embed.js';
import { mergeReports } from '../../src/runner/merge/merge-reports.js';
import { figure, type Figure } from './stats.js';
import { listen } from './whole-process.js';

const PM_OAUTH2_BIN = new URL('../../bin/pm-oauth2.js', import.meta.url).pathname;
const COLLECTIONS = 8;
const FOLDERS = 5;
const SHARDS = 4;

export interface ScaleOutResult {
  readonly requests: number;
  readonly serialMs: Figure;
  /** The longest of the 4 shards, each run alone; and the longest over the mean (balance). */
  readonly shardsMs: { readonly byCount: Figure; readonly byTimings: Figure };
  readonly balance: { readonly byCount: number; readonly byTimings: number };
  readonly ratio: { readonly byCount: number; readonly byTimings: number; readonly parallel2: number };
  readonly parallel2Ms: Figure;
  readonly parallelTokenRequests: number;
  readonly mergeMs: Figure;
}

export async function benchScaleOut(scripts: ScriptVariants, rounds: number): Promise<ScaleOutResult> {
  let tokenRequests = 0;
  const server = await listen((url) => (url === '/token' ? (tokenRequests++, JSON.stringify({ access_token: 'bench-token', token_type: 'Bearer', expires_in: 3600 })) : 'ok'));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = await mkdtemp(join(tmpdir(), 'pm-oauth2-bench-scale-'));
  try {
    const suite = join(dir, 'suite');
    await mkdir(suite);
    // Uneven folders (10…90 requests), so a split by count and one by time can differ.
    const sizes = Array.from({ length: COLLECTIONS * FOLDERS }, (_, i) => 10 + ((i * 37) % 81));
    const scale = 2000 / sizes.reduce((a, b) => a + b, 0);
    const counts = sizes.map((s) => Math.max(1, Math.round(s * scale)));
    counts[0] = (counts[0] ?? 0) + 2000 - counts.reduce((a, b) => a + b, 0);
    for (let c = 0; c < COLLECTIONS; c++) await writeFile(join(suite, `c${c}.postman_collection.json`), JSON.stringify(embedScript(collection(base, c, counts.slice(c * FOLDERS, (c + 1) * FOLDERS)), scripts).collection));
    const env = ['--env-var', `oauth2_token_url=${base}/token`, '--env-var', 'oauth2_client_id=bench', '--env-var', 'oauth2_client_secret=bench-secret', '-r', 'json'];
    const run = (args: string[]) => time(['run', suite, ...env, ...args]);
    const samples = { serial: [] as number[], byCount: [] as number[], byTimings: [] as number[], parallel: [] as number[], merge: [] as number[], balanceCount: [] as number[], balanceTimings: [] as number[] };
    await run(['--report-dir', join(dir, 'warm')]);
    for (let round = 0; round < rounds; round++) {
      samples.serial.push(await run(['--report-dir', join(dir, 'serial')]));
      const byCount = await shards(run, join(dir, `count-${round}`), []);
      const byTimings = await shards(run, join(dir, `time-${round}`), ['--shard-timings', join(dir, `count-${round}`)]);
      samples.byCount.push(Math.max(...byCount));
      samples.byTimings.push(Math.max(...byTimings));
      samples.balanceCount.push(Math.max(...byCount) / mean(byCount));
      samples.balanceTimings.push(Math.max(...byTimings) / mean(byTimings));
      const before = tokenRequests;
      samples.parallel.push(await run(['--parallel', '2', '--report-dir', join(dir, `parallel-${round}`)]));
      if (tokenRequests - before !== 1) throw new Error(`--parallel 2 made ${tokenRequests - before} token requests, not 1`);
      const started = performance.now();
      await mergeReports([join(dir, `time-${round}`)], join(dir, `merged-${round}`));
      samples.merge.push(performance.now() - started);
    }
    const serial = figure(samples.serial);
    return {
      requests: counts.reduce((a, b) => a + b, 0),
      serialMs: serial,
      shardsMs: { byCount: figure(samples.byCount), byTimings: figure(samples.byTimings) },
      balance: { byCount: figure(samples.balanceCount).median, byTimings: figure(samples.balanceTimings).median },
      ratio: { byCount: figure(samples.byCount).median / serial.median, byTimings: figure(samples.byTimings).median / serial.median, parallel2: figure(samples.parallel).median / serial.median },
      parallel2Ms: figure(samples.parallel),
      parallelTokenRequests: 1,
      mergeMs: figure(samples.merge),
    };
  } finally {
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Each shard a process of its own, one after another: a CI matrix on one machine. */
async function shards(run: (args: string[]) => Promise<number>, reportDir: string, extra: string[]): Promise<number[]> {
  const times: number[] = [];
  for (let index = 1; index <= SHARDS; index++) times.push(await run(['--shard', `${index}/${SHARDS}`, '--report-dir', join(reportDir, `s${index}`), ...extra]));
  return times;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function collection(base: string, c: number, folderSizes: readonly number[]): Collection {
  return {
    info: { name: `bench ${c}`, schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
    item: folderSizes.map((size, f) => ({ name: `folder ${f}`, item: Array.from({ length: size }, (_, r) => ({ name: `r${r}`, request: { method: 'GET', url: `${base}/api/c${c}/f${f}/${r}` } })) })),
  };
}

function time(args: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PM_OAUTH2_BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - started) / 1e6) : reject(new Error(`pm-oauth2 ${args.join(' ')} exited ${code}: ${stderr}`))));
  });
}
