import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { PmOAuth2Error } from '../../errors.js';
import { loadEnvironmentFile } from '../../runner/environment-file.js';
import { ensureBuilt } from '../../runner/ensure-built.js';
import { REPORTERS, Reports } from '../../runner/reports.js';
import { failureCount, formatSummary } from '../../runner/summary.js';
import { mergeVariables, readDotenv } from '../../runner/variable-sources.js';
import { EXIT } from '../exit-codes.js';
import type { Terminal } from '../terminal.js';

export interface RunArgs {
  readonly collections: string[] | undefined;
  readonly env: string | undefined;
  readonly envVar: string[];
  readonly reporters: string[];
  readonly reportDir: string;
  readonly junit: string | undefined;
  readonly exportEnvironment: string | undefined;
  readonly timeoutRequest: number;
  readonly bail: boolean;
  readonly iterationCount: number | undefined;
  readonly dotenv: string | undefined;
  readonly inSandbox: boolean;
}

const DEFAULT_DOTENV = '.env';

/** Newman's default is no time-out at all: a hung endpoint hangs CI. @default 60 s */
export const DEFAULT_TIMEOUT_REQUEST_MS = 60_000;

export function runOptions(yargs: Argv): Argv<RunArgs> {
  return yargs
    .positional('collections', { type: 'string', array: true, describe: 'built collections (files or folders); default: build/collections, built first when missing or stale' })
    .option('env', { alias: 'e', type: 'string', describe: 'environment name (environments/<name>.postman_environment.json) or file' })
    .option('env-var', { type: 'string', array: true, default: [], describe: 'set a variable, key=value (highest precedence; repeatable)' })
    .option('reporters', { alias: 'r', type: 'string', array: true, coerce: splitList, default: ['cli'], describe: `reporters: ${REPORTERS.join(', ')}` })
    .option('report-dir', { type: 'string', default: 'reports', describe: 'folder for report files' })
    .option('junit', { type: 'string', describe: 'JUnit XML file (all collections in one; implies the junit reporter) [default: <report-dir>/junit.xml]' })
    .option('export-environment', { type: 'string', describe: 'write the environment after the run, secrets and tokens masked' })
    .option('timeout-request', { type: 'number', default: DEFAULT_TIMEOUT_REQUEST_MS, describe: 'request time-out in ms (0 = none)' })
    .option('iteration-count', { alias: 'n', type: 'number', describe: 'iterations of each collection' })
    .option('bail', { type: 'boolean', default: false, describe: 'stop at the first failing collection' })
    .option('in-sandbox', { type: 'boolean', default: false, describe: 'fetch tokens with the collections\' embedded script, as plain Newman does, instead of in-process (slower)' })
    .option('dotenv', { type: 'string', describe: 'a .env file; must exist when named [default: .env, read when present]' })
    .example('$0 run --env qa', 'build if needed, then run build/collections against environments/qa')
    .example('OAUTH2_CLIENT_SECRET=… $0 run --env prod -r cli junit', 'the secret from the CI secret store, a JUnit report for CI')
    .example('$0 run build/collections/orders.postman_collection.json -e qa --env-var oauth2_scope="orders:read"', 'one collection, one override') as unknown as Argv<RunArgs>;
}

function splitList(values: string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

export async function runCommand(args: RunArgs, terminal: Terminal, cwd = process.cwd()): Promise<number> {
  if (args.timeoutRequest < 0 || !Number.isFinite(args.timeoutRequest)) throw new PmOAuth2Error('USAGE', '--timeout-request takes a number of milliseconds ≥ 0');
  const environment = args.env ? await loadEnvironmentFile(args.env, cwd) : undefined;
  const variables = mergeVariables({ environment, dotenvText: await readDotenv(resolve(cwd, args.dotenv ?? DEFAULT_DOTENV), args.dotenv !== undefined), processEnv: process.env, flags: args.envVar });
  const reporters = args.junit && !args.reporters.includes('junit') ? [...args.reporters, 'junit'] : args.reporters;
  const reports = await Reports.create({ reporters, reportDir: resolve(cwd, args.reportDir), junitFile: args.junit });
  const collections = args.collections?.length ? args.collections : [await ensureBuilt(cwd, terminal)];
  // Loaded when a run starts: Newman is most of the CLI's start-up, and --help needs none of it.
  const { runJob } = await import('../../runner/run-job.js');
  const result = await runJob({
    collections, environment, variables, reports, terminal,
    exportEnvironmentFile: args.exportEnvironment, timeoutRequestMs: args.timeoutRequest, bail: args.bail, iterationCount: args.iterationCount, inSandbox: args.inSandbox,
  });
  for (const line of formatSummary(result, environment ? `${environment.name} (${environment.file})` : '(none)')) terminal.out(result.redact(line));
  return failureCount(result) ? EXIT.failures : EXIT.ok;
}
