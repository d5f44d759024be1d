// A suite's servers and scratch folder, started once, and pm-oauth2 run's job (runJob) on one
// collection with the script embedded as `pm-oauth2 build` embeds it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildScript } from '../../scripts/build-script.js';
import { DEFAULT_SCRIPT_PATHS, readScripts } from '../../src/generator/build.js';
import { embedScript } from '../../src/generator/embed.js';
import { Reports } from '../../src/runner/reports.js';
import { runJob, type JobResult } from '../../src/runner/run-job.js';
import { mergeVariables } from '../../src/runner/variable-sources.js';
import { startTestServers, type TestServers } from './servers.js';

export interface SuiteContext {
  readonly servers: TestServers;
  readonly dir: string;
  /** The built script (dist/prerequest.js's text). */
  readonly script: string;
  /** A new number for each call: names and paths that keep tests apart. */
  next(): number;
}

/** Starts the servers and makes a scratch folder before the suite; stops and removes them after it. */
export function useSuite(prefix: string): SuiteContext {
  let serial = 0;
  const context = { servers: undefined as unknown as TestServers, dir: '', script: '', next: () => ++serial };
  before(async () => {
    [context.script, context.servers, context.dir] = await Promise.all([
      buildScript(),
      startTestServers(),
      mkdtemp(join(tmpdir(), `pm-oauth2-${prefix}-`)),
    ]);
  });
  after(async () => {
    await context.servers.close();
    await rm(context.dir, { recursive: true, force: true });
  });
  return context;
}

export interface JobRun {
  readonly result: JobResult;
  /** What the job printed (not the cli reporter, which writes to stdout). */
  readonly lines: string[];
}

/** Builds the collection into the folder and runs it as pm-oauth2 run does. */
export async function runBuiltJob(
  dir: string,
  collection: object,
  variables: Record<string, string>,
  options: { inSandbox?: boolean; reporters?: string[]; exportEnvironment?: string } = {},
): Promise<JobRun> {
  const name = `c${Date.now()}${Math.random().toString(36).slice(2, 6)}`;
  const file = join(dir, `${name}.postman_collection.json`);
  await writeFile(
    file,
    JSON.stringify(embedScript(collection as never, await readScripts(DEFAULT_SCRIPT_PATHS)).collection),
  );
  const lines: string[] = [];
  const terminal = { out: (line: string) => void lines.push(line), err: (line: string) => void lines.push(line) };
  const result = await runJob({
    collections: [file],
    environment: undefined,
    terminal,
    inSandbox: options.inSandbox ?? false,
    variables: mergeVariables({
      environment: undefined,
      dotenvText: undefined,
      processEnv: {},
      flags: Object.entries(variables).map(([k, v]) => `${k}=${v}`),
    }),
    reports: await Reports.create({
      reporters: options.reporters ?? [],
      reportDir: join(dir, `reports-${name}`),
      junitFile: undefined,
    }),
    exportEnvironmentFile: options.exportEnvironment,
    timeoutRequestMs: 20_000,
    bail: false,
    iterationCount: undefined,
    env: {},
  });
  return { result, lines };
}
