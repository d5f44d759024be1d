import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import { PmOAuth2Error } from '../../errors.js';
import { loadEnvironmentFile, loadVariableFile, namesHint } from '../../runner/environment-file.js';
import { newmanRunOptions, passThroughYargs, REFUSED, secretOptionValues } from '../../runner/newman-options.js';
import { parseReporterOptions, type ReporterOptions } from '../../runner/reporter-options.js';
import { ensureBuilt } from '../../runner/ensure-built.js';
import { REPORTERS, Reports } from '../../runner/reports.js';
import { failureCount, formatSummary } from '../../runner/summary.js';
import { mergeGlobals, mergeVariables, readDotenv } from '../../runner/variable-sources.js';
import { EXIT } from '../exit-codes.js';
import { findProjectRoot } from '../project-root.js';
import { reportError } from '../report-error.js';
import type { Terminal } from '../../terminal.js';
import { CONFIG_FILE, readBuildConfig } from '../../generator/build-config.js';
import { shardFolder, shardManifest, writeShardManifest } from '../../runner/shard/write-manifest.js';
import { shardFrom } from '../../runner/shard/shard-option.js';
import { readTimings } from '../../runner/shard/timings.js';
import type { ShardSettings } from '../../runner/shard/plan.js';
import { WORKER_ENV, type WorkerMessage } from '../../runner/parallel/messages.js';
import { RemoteBroker, type Channel } from '../../runner/parallel/remote-broker.js';
import type { OwnShare, ParallelOptions } from '../../runner/parallel/run-parallel.js';
import type { EnvironmentFile } from '../../runner/environment-file.js';
import { formatParallelSummary } from '../../runner/summary.js';

export interface RunArgs {
  readonly collections: string[] | undefined;
  readonly env: string | undefined;
  readonly envVar: string[];
  readonly globals: string | undefined;
  readonly globalVar: string[];
  readonly reporters: string[];
  /** @default reports (demo: none kept) */
  readonly reportDir: string | undefined;
  readonly junit: string | undefined;
  readonly exportEnvironment: string | undefined;
  readonly exportGlobals: string | undefined;
  readonly exportCollection: string | undefined;
  readonly timeoutRequest: number;
  /** '' for a bare --bail; newman's modifiers otherwise (folder, failure). */
  readonly bail: string | undefined;
  readonly suppressExitCode: boolean;
  readonly iterationCount: number | undefined;
  readonly dotenv: string | undefined;
  readonly inSandbox: boolean;
  /** i/n, or ci (CI_NODE_INDEX/CI_NODE_TOTAL). */
  readonly shard?: string | undefined;
  readonly shardTimings?: string | undefined;
  /** Worker processes that run the suite's units side by side (1: none). */
  readonly parallel?: number | undefined;
  /** `--reporter-…` options, taken apart from the command line (main.ts). */
  readonly reporterArgs?: readonly string[];
  readonly [newmanOption: string]: unknown;
}

const DEFAULT_DOTENV = '.env';
const DEFAULT_REPORT_DIR = 'reports';
/** More workers than this is a typo: each is a Node process with its own Newman. */
const MAX_WORKERS = 64;

/** Newman's default is no time-out at all: a hung endpoint hangs CI. @default 60 s */
export const DEFAULT_TIMEOUT_REQUEST_MS = 60_000;

export function runOptions(yargs: Argv): Argv<RunArgs> {
  return runFlags(runPositionals(yargs))
    .example('$0 run --env qa', 'build if needed, then run build/collections against environments/qa')
    .example(
      'OAUTH2_CLIENT_SECRET=… $0 run --env prod -r cli junit',
      'the secret from the CI secret store, a JUnit report for CI',
    )
    .example(
      '$0 run build/collections/orders.postman_collection.json -e qa -d data.csv --folder Orders -k',
      "newman run's options, as newman takes them",
    )
    .example(
      '$0 run build/collections/orders.postman_collection.json -e qa --env-var oauth2_scope="orders:read"',
      'one collection, one override',
    );
}

/** run's options without its examples: demo takes the same options. */
/** run's collections: demo has its own, and takes none (its usage names no positional). */
export function runPositionals(yargs: Argv): Argv {
  return yargs.positional('collections', {
    type: 'string',
    array: true,
    describe: 'built collections (files or folders); default: build/collections, built first when missing or stale',
  });
}

// The pass-through and refused options come from tables (newman-options.ts), which yargs cannot infer:
// RunArgs names what the command reads, and the builder is cast to it.
export function runFlags(yargs: Argv): Argv<RunArgs> {
  return yargs
    .option('env', {
      alias: ['e', 'environment'],
      type: 'string',
      describe: 'environment name (environments/<name>.postman_environment.json) or file',
    })
    .option('env-var', {
      type: 'string',
      array: true,
      default: [],
      describe: 'set a variable, key=value (highest precedence; repeatable)',
    })
    .option('globals', {
      alias: 'g',
      type: 'string',
      describe: 'a Postman globals file (the lowest precedence, as in newman)',
    })
    .option('global-var', {
      type: 'string',
      array: true,
      default: [],
      describe: 'set a global, key=value (repeatable)',
    })
    .option('reporters', {
      alias: 'r',
      type: 'string',
      array: true,
      coerce: splitList,
      default: ['cli'],
      describe: `reporters: ${REPORTERS.join(', ')}; their options as in newman (--reporter-junit-export <file>, --reporter-cli-no-summary, …)`,
    })
    .option('report-dir', {
      type: 'string',
      describe: `folder for report files [default: ${DEFAULT_REPORT_DIR}/ in the project]`,
    })
    .option('junit', {
      type: 'string',
      describe: 'JUnit XML file (all collections in one; implies the junit reporter) [default: <report-dir>/junit.xml]',
    })
    .option('export-environment', {
      type: 'string',
      describe: 'write the environment after the run, secrets and tokens masked',
    })
    .option('export-globals', {
      type: 'string',
      describe: 'write the globals after the run, secrets and tokens masked',
    })
    .option('export-collection', {
      type: 'string',
      describe:
        'write the collection (one collection only) with its variables after the run, secrets and tokens masked',
    })
    .option('timeout-request', {
      type: 'number',
      default: DEFAULT_TIMEOUT_REQUEST_MS,
      describe: 'request time-out in ms (0 = none)',
    })
    .option('iteration-count', { alias: 'n', type: 'number', describe: 'iterations of each collection' })
    .option('bail', {
      type: 'string',
      describe:
        "stop at the first error or failure, and run no further collection; newman's modifiers: folder, failure",
    })
    .option('suppress-exit-code', {
      alias: 'x',
      type: 'boolean',
      default: false,
      describe: 'exit 0 even when requests or tests failed',
    })
    .option('in-sandbox', {
      type: 'boolean',
      default: false,
      describe:
        "fetch tokens with the collections' embedded script, as plain Newman does, instead of in-process (slower)",
    })
    .option('shard', {
      type: 'string',
      describe:
        "run part i of n of the suite (i/n), or ci for GitLab's CI_NODE_INDEX/CI_NODE_TOTAL; pm-oauth2 merge-reports joins the parts",
    })
    .option('shard-timings', {
      type: 'string',
      describe:
        'balance the shards by the times of an earlier run: its reports folder or timings file (missing: by request count)',
    })
    .option('parallel', {
      type: 'number',
      describe:
        "run the suite's folders (or data rows) in N workers side by side (this process and N − 1 more), one token per configuration for them all, one set of reports",
    })
    .option('dotenv', {
      type: 'string',
      describe: 'a .env file; must exist when named [default: .env, read when present]',
    })
    .options(passThroughYargs())
    .options(
      Object.fromEntries(Object.keys(REFUSED).map((flag) => [flag, { type: 'string' as const, hidden: true }])),
    ) as unknown as Argv<RunArgs>;
}

function splitList(values: string[]): string[] {
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

/** Where variables come from besides the environment file and --env-var. */
export interface VariableSourceSettings {
  readonly processEnv: NodeJS.ProcessEnv;
  /** Read .env (the default one when present, --dotenv's always). */
  readonly dotenv: boolean;
}

export async function runCommand(
  args: RunArgs,
  terminal: Terminal,
  cwd = process.cwd(),
  sources: VariableSourceSettings = { processEnv: process.env, dotenv: true },
): Promise<number> {
  if (args.timeoutRequest < 0 || !Number.isFinite(args.timeoutRequest))
    throw new PmOAuth2Error('USAGE', '--timeout-request takes a number of milliseconds ≥ 0');
  if (args.iterationCount !== undefined && !(Number.isInteger(args.iterationCount) && args.iterationCount >= 1)) {
    throw new PmOAuth2Error(
      'USAGE',
      `-n/--iteration-count takes a whole number ≥ 1, not ${args.iterationCount} — leave it out to run each collection once (or as many times as -d has rows)`,
    );
  }
  for (const [flag, why] of Object.entries(REFUSED)) {
    if (args[flag] !== undefined) throw new PmOAuth2Error('USAGE', `--${flag} is not taken by pm-oauth2 run: ${why}`);
  }
  const newmanOptions = newmanRunOptions(args, cwd);
  if (newmanOptions['color'] === undefined && process.env['NO_COLOR']) newmanOptions['color'] = 'off';
  const root = await findProjectRoot(cwd);
  const environment = args.env !== undefined ? await loadEnvironmentFile(args.env, root) : undefined;
  const dotenvText = sources.dotenv
    ? await readDotenv(
        args.dotenv === undefined ? join(root, DEFAULT_DOTENV) : resolve(cwd, args.dotenv),
        args.dotenv !== undefined,
      )
    : undefined;
  const variables = mergeVariables({ environment, dotenvText, processEnv: sources.processEnv, flags: args.envVar });
  const globals = mergeGlobals(
    args.globals ? await loadVariableFile(resolve(cwd, args.globals), 'globals') : undefined,
    args.globalVar,
  );
  const reporterOptions = parseReporterOptions(args.reporterArgs ?? [], REPORTERS);
  const parallel = parallelWorkers(args, reporterOptions);
  const worker = process.env[WORKER_ENV] === '1' && typeof process.send === 'function';
  const shard = await shardSettings(args, root, cwd, sources.processEnv, terminal);
  if (shard && exportOption(reporterOptions, 'json'))
    throw new PmOAuth2Error(
      'USAGE',
      'a shard writes its JSON reports beside its manifest in --report-dir, for merge-reports: leave --reporter-json-export out',
    );
  const junit = args.junit ?? exportOption(reporterOptions, 'junit');
  const chosen = junit && !args.reporters.includes('junit') ? [...args.reporters, 'junit'] : args.reporters;
  // A worker's reports go to its parent, which joins them and makes the files: it makes no others.
  const reporters = withShardReporters(worker ? chosen.filter((r) => r === 'cli') : chosen, shard);
  const reportDir =
    args.reportDir === undefined
      ? join(root, DEFAULT_REPORT_DIR, ...(shard && !worker ? [shardFolder(shard.shard)] : []))
      : resolve(cwd, args.reportDir);
  const reportSettings = {
    reportDir,
    junitFile: junit && resolve(cwd, junit),
    exportFiles: { json: exportOption(reporterOptions, 'json'), htmlextra: exportOption(reporterOptions, 'htmlextra') },
    cwd,
    reporterOptions,
  };
  const reports = await Reports.create({
    ...reportSettings,
    reporters,
    ...(worker ? { deliver: deliverToParent } : {}),
  });
  const collections = args.collections?.length ? args.collections : [await ensureBuilt(root, terminal)];
  const job = {
    collections,
    environment,
    variables,
    globals,
    newmanOptions,
    secrets: secretOptionValues(args),
    exportEnvironmentFile: args.exportEnvironment,
    exportGlobalsFile: args.exportGlobals && resolve(cwd, args.exportGlobals),
    exportCollectionFile: args.exportCollection && resolve(cwd, args.exportCollection),
    timeoutRequestMs: args.timeoutRequest,
    bail: bailOption(args.bail),
    iterationCount: args.iterationCount,
    inSandbox: args.inSandbox,
  };
  const withHint = async (error: unknown) => {
    throw args.env === undefined ? await withEnvHint(error, root) : error;
  };
  if (parallel > 1) {
    const keepWhole = (await readBuildConfig(join(root, CONFIG_FILE), false)).shard?.keepWhole ?? [];
    // This process's share of the job: a worker's run (its reports kept for the join, not written).
    const ownShare: OwnShare = async ({ index, total, terminal: shareTerminal, tokenSource }) => {
      try {
        const shareShard = { shard: { index, total }, keepWhole };
        const delivered = new Map<string, string>();
        const { runJob } = await import('../../runner/run-job.js');
        const result = await runJob({
          ...job,
          terminal: shareTerminal,
          reports: await Reports.create({
            ...reportSettings,
            reporters: withShardReporters(
              chosen.filter((r) => r === 'cli'),
              shareShard,
            ),
            deliver: async (file, text) => void delivered.set(file, text),
          }),
          shard: shareShard,
          tokenSource,
        }).catch(withHint);
        const summary = formatSummary(result, environmentLabel(environment)).map((line) => result.redact(line));
        const code = failureCount(result) && !args.suppressExitCode ? EXIT.failures : EXIT.ok;
        return { code, manifest: shardManifest(result, summary), reports: delivered };
      } catch (error) {
        return { code: reportError(error, shareTerminal), manifest: undefined, reports: new Map() };
      }
    };
    return runInParallel(
      parallel,
      { reports, newmanOptions, terminal, env: sources.processEnv, ownShare },
      environment,
      args.suppressExitCode,
    );
  }
  // Loaded when a run starts: Newman is most of the CLI's start-up, and --help needs none of it.
  const { runJob } = await import('../../runner/run-job.js');
  const result = await runJob({
    ...job,
    reports,
    terminal,
    shard,
    ...(worker
      ? {
          tokenSource: (addToken: (token: string) => void) => new RemoteBroker(process as unknown as Channel, addToken),
        }
      : {}),
  }).catch(withHint);
  const summary = formatSummary(result, environmentLabel(environment)).map((line) => result.redact(line));
  const manifest = worker ? shardManifest(result, summary) : undefined;
  if (manifest) {
    await sendToParent({ type: 'done', manifest, failures: manifest.failures });
    return failureCount(result) && !args.suppressExitCode ? EXIT.failures : EXIT.ok;
  }
  if (result.shard) await writeShardManifest(reportDir, result, summary, terminal);
  for (const line of summary) terminal.out(line);
  return failureCount(result) && !args.suppressExitCode ? EXIT.failures : EXIT.ok;
}

function environmentLabel(environment: EnvironmentFile | undefined): string {
  return environment ? `${environment.name} (${environment.file})` : '(none)';
}

/** --parallel N, checked against what cannot be joined from several processes. */
function parallelWorkers(args: RunArgs, reporterOptions: ReporterOptions): number {
  if (args.parallel === undefined) return 1;
  const n = args.parallel;
  if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS)
    throw new PmOAuth2Error(
      'USAGE',
      `--parallel takes a number of workers from 1 to ${MAX_WORKERS}, not ${n} — about one per CPU core`,
    );
  const refused: Array<[boolean, string]> = [
    [args.inSandbox, "--in-sandbox fetches a token in each worker's script; --parallel shares one fetched in Node"],
    [args.shard !== undefined, '--shard splits the suite over CI jobs, --parallel within one job: use one of them'],
    [
      args.reporters.includes('htmlextra'),
      'an htmlextra report cannot be joined from several workers: use junit or json, or run without --parallel',
    ],
    [
      !!(args.exportEnvironment || args.exportGlobals || args.exportCollection),
      'each worker ends with its own environment: --export-environment, --export-globals and --export-collection need a run without --parallel',
    ],
    [
      !!exportOption(reporterOptions, 'json'),
      'the joined JSON reports go to --report-dir: leave --reporter-json-export out',
    ],
  ];
  const why = refused.find(([applies]) => applies && n > 1)?.[1];
  if (why) throw new PmOAuth2Error('USAGE', `--parallel: ${why}`);
  return n;
}

async function runInParallel(
  workers: number,
  options: Pick<ParallelOptions, 'reports' | 'newmanOptions' | 'terminal' | 'env' | 'ownShare'>,
  environment: EnvironmentFile | undefined,
  suppressExitCode: boolean,
): Promise<number> {
  const { runParallel } = await import('../../runner/parallel/run-parallel.js');
  const result = await runParallel({ ...options, workers, argv: process.argv.slice(2) });
  if (result.usageError) return EXIT.usage;
  for (const line of formatParallelSummary(result, workers, environmentLabel(environment))) options.terminal.out(line);
  return result.failures.length && !suppressExitCode ? EXIT.failures : EXIT.ok;
}

function sendToParent(message: WorkerMessage): Promise<void> {
  return new Promise((resolve, reject) =>
    process.send?.(message, undefined, {}, (error) => (error ? reject(error) : resolve())),
  );
}

async function deliverToParent(file: string, text: string): Promise<void> {
  await sendToParent({ type: 'report', file, text });
}

async function shardSettings(
  args: RunArgs,
  root: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  terminal: Terminal,
): Promise<ShardSettings | undefined> {
  const shard = shardFrom(args.shard, env);
  if (!shard) {
    if (args.shardTimings !== undefined)
      throw new PmOAuth2Error('USAGE', '--shard-timings balances shards: pass --shard i/n with it');
    return undefined;
  }
  const config = await readBuildConfig(join(root, CONFIG_FILE), false);
  const timings = args.shardTimings === undefined ? undefined : await readTimings(resolve(cwd, args.shardTimings));
  if (args.shardTimings !== undefined && !timings)
    terminal.err(
      `note: no timings at ${args.shardTimings} (a first run has none): the shards are balanced by request count`,
    );
  return { shard, timings, keepWhole: config.shard?.keepWhole ?? [] };
}

/** A shard's JSON reports are what merge-reports joins: the json reporter runs in every shard. */
function withShardReporters(reporters: readonly string[], shard: ShardSettings | undefined): string[] {
  return shard && !reporters.includes('json') ? [...reporters, 'json'] : [...reporters];
}

/** An incomplete configuration and no --env, in a project with environments: say which to pass. */
async function withEnvHint(error: unknown, cwd: string): Promise<unknown> {
  if (!(error instanceof PmOAuth2Error) || error.code !== 'CONFIG_INVALID') return error;
  const hint = await namesHint(cwd);
  return hint
    ? new PmOAuth2Error('CONFIG_INVALID', `${error.message}\n  no --env was given${hint}: pass --env <name>`, {
        cause: error,
      })
    : error;
}

/** newman's --bail: bare, it stops at any error or failure; with modifiers, as they say. */
function bailOption(bail: string | undefined): boolean | string[] {
  if (bail === undefined) return false;
  const modifiers = splitList([bail]);
  const unknown = modifiers.filter((m) => m !== 'folder' && m !== 'failure');
  if (unknown.length)
    throw new PmOAuth2Error('USAGE', `--bail takes no modifier or folder, failure — not ${unknown.join(', ')}`);
  return modifiers.length ? modifiers : true;
}

/** `--reporter-<reporter>-export <file>`: where that reporter's (redacted) report goes. */
function exportOption(options: ReporterOptions, reporter: string): string | undefined {
  const value = options.byReporter[reporter]?.['export'];
  return typeof value === 'string' ? value : undefined;
}
