// What the built collection costs a request, counted in instructions rather than timed: valgrind's
// callgrind counts instructions, not seconds, so what else the machine is doing does not change them
// (the loopback sockets' timing still moves a variant by up to 1 M a request between runs: enough for
// the totals, not for the split between the script's parts). Each variant runs in a process of
// its own under callgrind (Node with --single-threaded, so that no thread's timing changes the count),
// once with 50 requests and once with 250: the difference over 200 is a request's cost, start-up and
// the one token request cancelling out. Slow (a process takes a minute or two), so only with
// `npm run bench -- --only instructions`, and only where valgrind is installed.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import newman from 'newman';
import type { Collection } from '../../src/generator/collection-types.js';
import { embedScript, type ScriptVariants } from '../../src/generator/embed.js';
import { withImmediateTimers } from '../../src/runner/immediate-timers.js';
import { buildWithoutSlowPathText, JWT_SCRIPT_PATH, NON_LEGACY_MARKER, SCRIPT_PATH } from '../build-script.js';
import { benchEnvironment, listen } from './whole-process.js';

export const INSTRUCTION_MARKERS = ['<!-- instructions -->', '<!-- /instructions -->'] as const;

/** The variants counted: the reference, the built file, and the built file without its slow path's text. */
const VARIANTS = ['empty', 'built', 'hot path alone'] as const;
type Variant = (typeof VARIANTS)[number];
const SIZES = [50, 250] as const;

export interface InstructionCounts {
  /** Instructions a request, by variant. */
  readonly perRequest: Record<Variant, number>;
}

export async function benchInstructions(scriptPath: string): Promise<InstructionCounts> {
  await promisify(execFile)('valgrind', ['--version']).catch(() => {
    throw new Error('--only instructions needs valgrind (Debian: apt-get install valgrind)');
  });
  const dir = await mkdtemp(join(tmpdir(), 'pm-oauth2-instructions-'));
  try {
    const jobs = VARIANTS.flatMap((variant) => SIZES.map((size) => ({ variant, size })));
    const counts = new Map<string, number>();
    // Two at a time: callgrind runs one thread, and the machine has two cores.
    for (let i = 0; i < jobs.length; i += 2)
      await Promise.all(
        jobs.slice(i, i + 2).map(async ({ variant, size }) => {
          counts.set(`${variant}/${size}`, await countInstructions(scriptPath, variant, size, dir));
        }),
      );
    const perRequest = Object.fromEntries(
      VARIANTS.map((v) => [v, ((counts.get(`${v}/250`) ?? 0) - (counts.get(`${v}/50`) ?? 0)) / 200]),
    ) as Record<Variant, number>;
    return { perRequest };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function countInstructions(scriptPath: string, variant: Variant, size: number, dir: string): Promise<number> {
  const out = join(dir, `${variant.replace(/ /g, '-')}-${size}.out`);
  const args = ['--tool=callgrind', `--callgrind-out-file=${out}`, process.execPath, '--single-threaded'];
  args.push('--import', 'tsx', scriptPath, '--child', variant, String(size));
  return new Promise((resolve, reject) => {
    const child = spawn('valgrind', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const refs = /I\s+refs:\s+([\d,]+)/.exec(stderr)?.[1];
      if (code !== 0 || !refs)
        return reject(new Error(`callgrind of ${variant} × ${size} failed: ${stderr.slice(-500)}`));
      resolve(Number(refs.replace(/,/g, '')));
    });
  });
}

/** The child: one Newman run of `size` distinct requests, as `pm-oauth2 run` runs it (immediate timers). */
async function runChild(variant: Variant, size: number): Promise<void> {
  const server = await listen((url) =>
    url === '/token' ? JSON.stringify({ access_token: 'bench-token', token_type: 'Bearer', expires_in: 3600 }) : 'ok',
  );
  const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const scripts: ScriptVariants = {
    secret: await readFile(SCRIPT_PATH, 'utf8'),
    jwt: await readFile(JWT_SCRIPT_PATH, 'utf8'),
  };
  const info = { name: 'bench', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' };
  const item = Array.from({ length: size }, (_, i) => ({
    name: `r${i}`,
    request: { method: 'GET', url: `${api}/api/${i}` },
  }));
  const built = embedScript({ info, item } as Collection, scripts).collection;
  const withScript = (lines: string[]) => ({ ...built, event: [{ listen: 'prerequest', script: { exec: lines } }] });
  let environment: object = benchEnvironment(api);
  const run = (collection: object) =>
    withImmediateTimers(
      () =>
        new Promise<object>((resolve, reject) =>
          newman.run({ collection, environment, reporters: [] } as newman.NewmanRunOptions, (error, summary) =>
            error ? reject(error) : resolve((summary.environment as unknown as { toJSON(): object }).toJSON()),
          ),
        ),
    );
  if (variant === 'hot path alone') {
    // Without the slow path it cannot fetch: the built file caches a token first, in both sizes alike.
    environment = await run({ ...built, item: item.slice(0, 1) });
    await run(withScript((await buildWithoutSlowPathText()).split('\n')));
  } else await run(variant === 'built' ? built : withScript([NON_LEGACY_MARKER, '// empty']));
  server.close();
}

export function instructionsMarkdown(counts: InstructionCounts): string {
  const { empty, built } = counts.perRequest;
  const hot = counts.perRequest['hot path alone'];
  const m = (n: number) => `${(n / 1e6).toFixed(2)} M`;
  return [
    INSTRUCTION_MARKERS[0],
    '## The built collection, counted in instructions',
    '',
    "Instructions a request (valgrind's callgrind, Node `--single-threaded`, immediate timers as in `pm-oauth2 run`; the count of a 250-request run less that of a 50-request run, over 200). What else the machine is doing does not change a count, but the loopback sockets' timing changes how often the event loop turns: three runs on 2026-12-06 put the built file between 1.14 and 1.17 × the empty script, and the hot path alone anywhere from 0.8 to 2.1 M above it. So the totals are measured here, not the split between them.",
    '',
    '| root script | instructions a request | × empty |',
    '|---|---|---|',
    `| empty | ${m(empty)} | 1 |`,
    `| as \`pm-oauth2 build\` writes it | ${m(built)} | ${(built / empty).toFixed(3)} |`,
    `| its hot path alone (no slow-path text; the token cached) | ${m(hot)} | ${(hot / empty).toFixed(3)} |`,
    '',
    `A goal of 1.03 leaves ${m(empty * 0.03)} a request for the whole script; the built file adds ${m(built - empty)}.`,
    '',
    "Counted once by hand the same day, by function or with scripts of one statement: the script's text costs about 1.2 M a request in the JSON serialiser and parser alone (the sandbox's bridge serialises the whole script and parses it back for every execution, the slow path's text included, though a request with a cached token never runs it); the fingerprint's SHA-256 (crypto-js) about 0.47 M; the variables' snapshot 0.28 M (fifteen `pm.variables.get` calls cost the same); three more variables in the environment nothing measurable. So the text alone is about twice what the goal allows, and the script must carry it to run where it is pasted and in plain Newman, where nothing else can bring it. Carrying it percent-encoded, with nothing for JSON to escape, saved about 0.05 M in the parser: too little to be worth the less readable script, so it was not kept.",
    INSTRUCTION_MARKERS[1],
  ].join('\n');
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) await runChild(process.argv[childAt + 1] as Variant, Number(process.argv[childAt + 2]));
