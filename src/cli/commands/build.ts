import { join, relative } from 'node:path';
import type { Argv } from 'yargs';
import type { ArgsOf } from './args.js';
import { buildCollections } from '../../generator/build.js';
import { CONFIG_FILE, readBuildConfig } from '../../generator/build-config.js';
import { EXIT } from '../exit-codes.js';
import { findProjectRoot } from '../project-root.js';
import type { Terminal } from '../../terminal.js';

export type BuildArgs = ArgsOf<typeof buildOptions>;

/**
 * pm.sendRequest takes no redirect or time-out setting of its own: only the engine's can stop it
 * re-sending the credentials to where a token endpoint's redirect points, or waiting for an endpoint
 * that never answers (docs/errors.md).
 */
export const PLAIN_NEWMAN_NOTE =
  'note: in plain newman, add --ignore-redirects and --timeout-request 60000 (in the Postman app turn off Settings → "Automatically follow redirects"): otherwise the engine follows a token endpoint\'s redirect, credentials included, before the script can refuse it, and waits without end for a token endpoint that never answers; give the collection protocolProfileBehavior.followRedirects true if its own requests need redirects. pm-oauth2 run does all of this by itself';

export const DEFAULT_INPUTS = ['collections'];
export const DEFAULT_OUT = 'build/collections';

export function buildOptions(yargs: Argv) {
  return yargs
    .positional('inputs', {
      type: 'string',
      array: true,
      default: DEFAULT_INPUTS,
      describe: 'collection files or folders (Postman v2.0/v2.1 JSON, OpenAPI 3 YAML/JSON)',
    })
    .option('out', { alias: 'o', type: 'string', default: DEFAULT_OUT, describe: 'folder for the built collections' })
    .option('jwt', {
      type: 'boolean',
      default: false,
      describe:
        'embed the script variant that signs client assertions (client_secret_jwt, private_key_jwt) and DPoP proofs in every collection; without it, only collections whose variables name a JWT method or oauth2_dpop=true get it',
    })
    .option('retry-on-401', {
      type: 'boolean',
      describe:
        'also embed the script as the first post-response script, to renew and retry once after a 401 in plain Newman and the app (a second sandbox execution per request; pm-oauth2 run retries in process either way) [default: retryOn401 in the configuration, else off]',
    })
    .option('replace-token-scripts', {
      type: 'boolean',
      default: false,
      describe:
        "replace a hand-written token script (a collection or folder pre-request script calling a token endpoint with pm.sendRequest) by pm-oauth2's, which keeps reading and writing its variable names; without it, such a script is kept and warned about",
    })
    .option('config', {
      type: 'string',
      describe: `build configuration (folder → credential profile) [default: ${CONFIG_FILE} when present]`,
    })
    .example('$0 build', 'build every collection under collections/ into build/collections/')
    .example('$0 build exports/orders.json --out build', 'build one Postman export');
}

export async function buildCommand(args: BuildArgs, terminal: Terminal, cwd = process.cwd()): Promise<number> {
  // The defaults are the project's (project-root.ts); paths the user gives are where they typed them.
  const root = await findProjectRoot(cwd);
  const inputs =
    args.inputs === DEFAULT_INPUTS || sameList(args.inputs, DEFAULT_INPUTS)
      ? DEFAULT_INPUTS.map((input) => relative(cwd, join(root, input)) || '.')
      : args.inputs;
  const outDir = args.out === DEFAULT_OUT ? relative(cwd, join(root, DEFAULT_OUT)) : args.out;
  const config = await readBuildConfig(args.config ?? join(root, CONFIG_FILE), args.config !== undefined);
  const outcome = await buildCollections({
    inputs,
    outDir,
    jwt: args.jwt,
    config,
    retryOn401: args.retryOn401,
    replaceTokenScripts: args.replaceTokenScripts,
  });
  for (const built of outcome.built) {
    terminal.out(`built ${built.input} → ${built.output}`);
    for (const warning of built.warnings) terminal.err(`warning: ${warning}`);
  }
  for (const { error } of outcome.failed) terminal.err(`error [${error.code}]: ${error.message}`);
  for (const folder of outcome.unmatchedFolders)
    terminal.err(
      `warning: ${CONFIG_FILE} maps folder "${folder}", which no collection has — check the folder path (names joined by "/")`,
    );
  if (!outcome.built.length && !outcome.failed.length) {
    terminal.err(
      `error [USAGE]: no collections found in ${inputs.join(', ')} — pass collection files or folders holding .json, .yaml or .yml files`,
    );
    return EXIT.usage;
  }
  terminal.out(`pm-oauth2 build: ${outcome.built.length} built, ${outcome.failed.length} failed`);
  if (outcome.built.length) terminal.err(PLAIN_NEWMAN_NOTE);
  return outcome.failed.length ? EXIT.failures : EXIT.ok;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}
