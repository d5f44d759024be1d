// `pm-oauth2 init`: sets up an existing repository of Postman exports for pm-oauth2 — environments,
// configuration, CI jobs, .gitignore and package.json scripts — writing only what is missing.
import type { Argv } from 'yargs';
import type { ArgsOf } from './args.js';
import { applyInit, planInit, type InitPlan } from '../../init/plan.js';
import { secretVariables } from '../../init/templates.js';
import { EXIT } from '../exit-codes.js';
import { findProjectRoot } from '../project-root.js';
import type { Terminal } from '../../terminal.js';
import { PmOAuth2Error } from '../../errors.js';
import { MAX_SHARDS } from '../../runner/shard/shard-option.js';
import { packageVersion } from '../version.js';

export type InitArgs = ArgsOf<typeof initOptions>;

export function initOptions(yargs: Argv) {
  return yargs
    .option('collections', {
      type: 'string',
      describe:
        'the folder of your Postman collection exports [default: the one folder that holds *.postman_collection.json, else collections]',
    })
    .option('shards', {
      type: 'number',
      default: 1,
      describe:
        "split each environment's suite over this many CI jobs (run --shard) and merge their reports in one more",
    })
    .option('federated', {
      type: 'boolean',
      default: false,
      describe:
        'CI jobs that authenticate with their own ID token (workload identity federation): no client secret in the CI',
    })
    .option('dry-run', { type: 'boolean', default: false, describe: 'show what would be written, and write nothing' })
    .example('$0 init', 'in the repository that holds your Postman exports and CI')
    .example('$0 init --collections postman --dry-run', 'the plan for collections kept in postman/')
    .example(
      '$0 init --federated',
      "CI jobs that sign in with the job's own ID token (Entra ID, Keycloak): no secret stored",
    )
    .example('$0 init --shards 4', "CI jobs that split each environment's suite in four, and merge the reports");
}

const MARK = { create: '+', update: '~', keep: '=' } as const;

export async function initCommand(args: InitArgs, terminal: Terminal, cwd = process.cwd()): Promise<number> {
  const root = await findProjectRoot(cwd);
  if (!Number.isInteger(args.shards) || args.shards < 1 || args.shards > MAX_SHARDS)
    throw new PmOAuth2Error('USAGE', `--shards takes a number of CI jobs from 1 to ${MAX_SHARDS}, not ${args.shards}`);
  const plan = await planInit(root, {
    ...(args.collections !== undefined ? { collections: args.collections } : {}),
    version: await packageVersion(),
    shards: args.shards,
    federated: args.federated,
  });
  terminal.out(`pm-oauth2 init${args.dryRun ? ' (dry run: nothing is written)' : ''} in ${root}`);
  for (const step of plan.steps) terminal.out(`  ${MARK[step.action]} ${step.path.padEnd(48)} ${step.why}`);
  for (const note of plan.notes) terminal.out(`  ! ${note}`);
  if (args.dryRun) return EXIT.ok;
  await applyInit(plan);
  nextSteps(plan, args.federated).forEach((line) => terminal.out(line));
  return EXIT.ok;
}

/** The collections folder was there already (init keeps it), so the exports need no moving. */
function collectionsFound(plan: InitPlan): boolean {
  return plan.steps.some((step) => step.path === `${plan.collectionsDir}/` && step.action === 'keep');
}

function nextSteps(plan: InitPlan, federated: boolean): string[] {
  const wrote = plan.steps.filter((s) => s.action !== 'keep').length;
  const dependency = plan.steps.some((s) => s.addsDependency);
  return [
    `${wrote} written, ${plan.steps.length - wrote} kept (+ created, ~ updated, = kept).`,
    'Next:',
    ...(dependency ? ['  npm install                      # installs pm-oauth2 as the dev dependency just added'] : []),
    `  ${collectionsFound(plan) ? `your exports in ${plan.collectionsDir}/ are built as they are; put` : `put your Postman exports in ${plan.collectionsDir}/, and`} the token URL and client id in environments/dev.postman_environment.json`,
    `  ${secretVariables(plan.profiles)
      .map((name) => `${name}=…`)
      .join(' ')} npm run test:api -- --env dev   # builds ${plan.collectionsDir}/, then runs it (as the README says)`,
    federated
      ? "  in CI: register a federated credential for each environment's client (pm-oauth2 docs: how-to/federation.md); no secret to store."
      : `  in CI: add ${secretVariables(plan.profiles).join(', ')} to the secret store (see the comments in the workflow).`,
  ];
}
