import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Argv } from 'yargs';
import { PmOAuth2Error } from '../../errors.js';
import { CONFIG_FILE } from '../../generator/build-config.js';
import { loadEnvironmentFile } from '../../runner/environment-file.js';
import { DEMO_ADMIN_CLIENT, DEMO_CLIENT } from '../../servers/demo-clients.js';
import type { LocalStack } from '../../servers/local-stack.js';
import type { Terminal } from '../../terminal.js';
import { runCommand, runFlags, type RunArgs } from './run.js';
import { describeStack } from './servers.js';

/** Where the package keeps its samples: collections/, environments/ and pm-oauth2.config.json. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

// run's flags with --report-dir redefined: the same RunArgs, which yargs cannot infer through the change.
export function demoOptions(yargs: Argv): Argv<RunArgs> {
  return runFlags(yargs)
    .option('report-dir', {
      type: 'string',
      default: undefined,
      describe: 'keep report files in this folder [default: none kept: a temporary folder, removed after the run]',
    })
    .example(
      '$0 demo',
      'local servers, the packaged sample collections built and run against them; nothing is written here',
    )
    .example('$0 demo -r cli junit --report-dir reports', 'the same, keeping the JUnit report in ./reports')
    .example(
      '$0 demo --in-sandbox',
      'tokens fetched by the embedded script, as plain Newman and the Postman app fetch them',
    ) as unknown as Argv<RunArgs>;
}

/**
 * The whole job on a fresh machine, from any folder, with nothing configured: local servers, the
 * packaged sample collections built into a temporary folder and run against them with the packaged
 * local environment, the summary, everything removed. Only what the user names (--report-dir,
 * --export-environment, …) is written outside the temporary folder.
 */
export async function demoCommand(args: RunArgs, terminal: Terminal, cwd = process.cwd()): Promise<number> {
  // The demo's servers and clients exist only with its packaged local environment.
  if (args.env !== undefined && args.env !== 'local')
    throw new PmOAuth2Error(
      'USAGE',
      `demo runs its samples against its own local servers, with the packaged local environment — --env ${args.env} is for your collections: pm-oauth2 run --env ${args.env}`,
    );
  const work = await mkdtemp(join(tmpdir(), 'pm-oauth2-demo-'));
  const restoreNoProxy = bypassProxyForLoopback();
  let stack: LocalStack | undefined;
  try {
    const { startLocalStack } = await import('../../servers/local-stack.js');
    stack = await startLocalStack();
    describeStack(stack).forEach((line) => terminal.out(line));
    const environment = await loadEnvironmentFile(args.env ?? 'local', PACKAGE_ROOT);
    const secrets = {
      oauth2_client_secret: DEMO_CLIENT.clientSecret,
      oauth2_admin_client_secret: DEMO_ADMIN_CLIENT.clientSecret,
    };
    const overrides = Object.entries({ ...stack.overrides, ...secrets }).map(([k, v]) => `${k}=${v}`);
    const collections = [await buildSamples(work, terminal)];
    // The user's OAUTH2_* variables and .env are for their own API and must not point the demo
    // elsewhere: only the packaged environment, the demo's values and the user's --env-var count.
    return await runCommand(
      {
        ...args,
        collections,
        env: environment.file,
        envVar: [...overrides, ...args.envVar],
        reportDir: args.reportDir ?? join(work, 'reports'),
      },
      terminal,
      cwd,
      { processEnv: {}, dotenv: args.dotenv !== undefined },
    );
  } finally {
    await stack?.close();
    restoreNoProxy();
    await rm(work, { recursive: true, force: true });
  }
}

async function buildSamples(work: string, terminal: Terminal): Promise<string> {
  const { buildCollections } = await import('../../generator/build.js');
  const { readBuildConfig } = await import('../../generator/build-config.js');
  const outDir = join(work, 'collections');
  const config = await readBuildConfig(join(PACKAGE_ROOT, CONFIG_FILE), false);
  const outcome = await buildCollections({ inputs: [join(PACKAGE_ROOT, 'collections')], outDir, config });
  const [failed] = outcome.failed;
  if (failed)
    throw new PmOAuth2Error(
      'SCRIPT_NOT_BUILT',
      `the packaged sample ${failed.input} cannot be built (${failed.error.message}) — reinstall pm-oauth2`,
    );
  terminal.out(
    `built ${outcome.built.length} sample collections from ${join(PACKAGE_ROOT, 'collections')} into a temporary folder`,
  );
  return outDir;
}

/**
 * The demo talks to 127.0.0.1 only; a corporate HTTP(S)_PROXY cannot reach this machine's
 * loopback, so loopback bypasses it while the demo runs (Newman reads NO_PROXY per request).
 */
function bypassProxyForLoopback(): () => void {
  const saved = { NO_PROXY: process.env['NO_PROXY'], no_proxy: process.env['no_proxy'] };
  const current = saved.NO_PROXY || saved.no_proxy;
  if (current === '*') return () => undefined;
  process.env['NO_PROXY'] = [current, '127.0.0.1', 'localhost'].filter(Boolean).join(',');
  delete process.env['no_proxy'];
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
