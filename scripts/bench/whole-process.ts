// What a CI job pays, whole processes: `pm-oauth2 run` of a built collection against `newman run` of
// the same requests with a static Bearer token; and how long each command takes to start.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Auth, Collection } from '../../src/generator/collection-types.js';
import { embedScript, type ScriptVariants } from '../../src/generator/embed.js';
import { figure, type Figure } from './stats.js';

const require = createRequire(import.meta.url);
export const NEWMAN_BIN = join(require.resolve('newman'), '..', 'bin', 'newman.js');
const PM_OAUTH2_BIN = new URL('../../bin/pm-oauth2.js', import.meta.url).pathname;

export interface WholeProcessResult {
  readonly requests: number;
  readonly newmanStaticMs: Figure;
  readonly pmOAuth2RunMs: Figure;
  /** pm-oauth2 run ÷ newman run, per round. */
  readonly ratio: Figure;
  readonly tokenRequests: number;
  readonly startup: Array<{ readonly command: string; readonly ms: Figure }>;
}

export async function benchWholeProcess(
  scripts: ScriptVariants,
  requests: number,
  rounds: number,
): Promise<WholeProcessResult> {
  let tokenRequests = 0;
  const server = await listen((url) => {
    if (url !== '/token') return 'ok';
    tokenRequests++;
    return JSON.stringify({ access_token: 'bench-token', token_type: 'Bearer', expires_in: 3600 });
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = await mkdtemp(join(tmpdir(), 'pm-oauth2-bench-'));
  try {
    const staticFile = join(dir, 'static.postman_collection.json');
    const builtFile = join(dir, 'built.postman_collection.json');
    await writeFile(
      staticFile,
      JSON.stringify(
        collection(base, { type: 'bearer', bearer: [{ key: 'token', value: 'bench-token', type: 'string' }] }),
      ),
    );
    await writeFile(builtFile, JSON.stringify(embedScript(collection(base, undefined), scripts).collection));
    const env = benchVariableArgs(base);
    const newmanRun = () => time(NEWMAN_BIN, ['run', staticFile, '-n', String(requests), '--reporters', 'cli']);
    const ourRun = () =>
      time(PM_OAUTH2_BIN, ['run', builtFile, '-n', String(requests), '--report-dir', join(dir, 'reports'), ...env]);
    await newmanRun();
    await ourRun();
    const samples = { newman: [] as number[], ours: [] as number[], ratio: [] as number[] };
    for (let round = 0; round < rounds; round++) {
      const newman = await newmanRun();
      const ours = await ourRun();
      samples.newman.push(newman);
      samples.ours.push(ours);
      samples.ratio.push(ours / newman);
    }
    const startup = await benchStartup(dir, staticFile, builtFile, env, rounds);
    return {
      requests,
      newmanStaticMs: figure(samples.newman),
      pmOAuth2RunMs: figure(samples.ours),
      ratio: figure(samples.ratio),
      tokenRequests,
      startup,
    };
  } finally {
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Each command once per round; `run` of one request, next to `newman run` of one. */
async function benchStartup(
  dir: string,
  staticFile: string,
  builtFile: string,
  env: string[],
  rounds: number,
): Promise<WholeProcessResult['startup']> {
  const jwt = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJiZW5jaCJ9.c2ln';
  const commands: Array<[string, string, string[]]> = [
    ['pm-oauth2 --help', PM_OAUTH2_BIN, ['--help']],
    ['pm-oauth2 decode', PM_OAUTH2_BIN, ['decode', jwt]],
    [
      'pm-oauth2 build (one small collection)',
      PM_OAUTH2_BIN,
      ['build', staticFile, '--out', join(dir, 'built-startup')],
    ],
    ['newman run (1 request)', NEWMAN_BIN, ['run', staticFile, '--reporters', 'cli']],
    ['pm-oauth2 run (1 request)', PM_OAUTH2_BIN, ['run', builtFile, '--report-dir', join(dir, 'reports'), ...env]],
  ];
  const samples = commands.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    for (const [i, [, bin, args]] of commands.entries()) samples[i]?.push(await time(bin, args));
  }
  return commands.map(([command], i) => ({ command, ms: figure(samples[i] ?? []) }));
}

function collection(base: string, auth: Auth | undefined): Collection {
  return {
    info: { name: 'bench', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
    ...(auth ? { auth } : {}),
    item: [{ name: 'r', request: { method: 'GET', url: `${base}/api/x` } }],
  };
}

/** A command's wall time, a process of its own; rejects, with its standard error, when it fails. */
export function time(bin: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', ...extraEnv },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(Number(process.hrtime.bigint() - started) / 1e6)
        : reject(new Error(`${bin} ${args.join(' ')} exited ${code}: ${stderr}`)),
    );
  });
}

/** A local API: `answer` gives each body; with `latencyMs`, every answer but the token's comes that much later (an API across a network). */
export function listen(answer: (url: string) => string, latencyMs = 0): Promise<Server> {
  const server = createServer((req, res) => {
    const body = answer(req.url ?? '/');
    const send = () =>
      res.writeHead(200, { 'content-type': body.startsWith('{') ? 'application/json' : 'text/plain' }).end(body);
    if (latencyMs > 0 && req.url !== '/token') setTimeout(send, latencyMs);
    else send();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * The bench client's environment for an in-process Newman run, against a local API's /token, with
 * the token preset: the empty-script variants send it as they are, our script fetches its own once.
 */
export function benchEnvironment(base: string): {
  name: string;
  values: Array<{ key: string; value: string; enabled: boolean }>;
} {
  return {
    name: 'bench',
    values: [
      ['oauth2_token_url', `${base}/token`],
      ['oauth2_client_id', 'bench'],
      ['oauth2_client_secret', 'bench-secret'],
      ['oauth2_access_token', 'bench-token'],
    ].map(([key = '', value = '']) => ({ key, value, enabled: true })),
  };
}

/** The bench client's variables for pm-oauth2 run, against a local API's /token. */
export function benchVariableArgs(base: string): string[] {
  return [
    '--env-var',
    `oauth2_token_url=${base}/token`,
    '--env-var',
    'oauth2_client_id=bench',
    '--env-var',
    'oauth2_client_secret=bench-secret',
  ];
}
