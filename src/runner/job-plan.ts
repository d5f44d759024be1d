// What a run will do, decided before anything runs — how tokens are fetched, which script variant,
// which token endpoints and configurations, what is refused — so these decisions are tested without
// Newman. run-job.ts carries the plan out.
import { PmOAuth2Error } from '../errors.js';
import type { Collection } from '../generator/collection-types.js';
import { signsAssertion } from '../oauth/client-auth.js';
import type { TokenConfig } from '../oauth/config.js';
import { clientsOf, parseProfiles } from '../oauth/profiles.js';
import { parseVariableNames } from '../oauth/variable-names.js';
import { NAMES_VARIABLE, PROFILES_VARIABLE } from '../oauth/vocabulary.js';
import type { EnvironmentFile } from './environment-file.js';
import { checkConfig } from './validate-config.js';
import type { Globals, Variables } from './variable-sources.js';

export interface LoadedCollection {
  readonly name: string;
  readonly stem: string;
  readonly collection: Collection;
}

export interface PlanInputs {
  readonly variables: Variables;
  readonly globals: Globals;
  readonly environment: EnvironmentFile | undefined;
  /** --in-sandbox: tokens fetched by the collections' script. */
  readonly inSandbox?: boolean | undefined;
  /** Set in a --parallel worker: tokens come from the parent. */
  readonly tokenSource?: unknown;
  /** Where notes and warnings go, as they are found (stderr). */
  readonly report: (line: string) => void;
}

export interface JobPlan {
  /** In process (the runner's own auth), or by the collections' script (--in-sandbox, or a team's own names). */
  readonly tokens: 'in-process' | 'script';
  /** The collections that keep their script because they use a team's own variable names. */
  readonly renamed: readonly string[];
  /** The script variant with the signing code (JWT client authentication, DPoP), when the script fetches. */
  readonly signingScript: boolean;
  readonly dpop: boolean;
  /** Every token endpoint of the run: its redirects are refused, its answers read for tokens to mask. */
  readonly tokenUrls: ReadonlySet<string>;
  readonly configs: readonly TokenConfig[];
}

/**
 * @throws PmOAuth2Error CONFIG_INVALID with every problem of every collection; USAGE for a run the
 * options make impossible
 */
export function planJob(loaded: readonly LoadedCollection[], inputs: PlanInputs): JobPlan {
  const { tokenUrls, jwt, dpop, configs } = validate(loaded, inputs);
  // The in-process auth signs requests whose Bearer is {{oauth2_access_token}}; a collection built
  // with the team's own variable names keeps its script, which reads and writes those names.
  const renamed = loaded.filter((c) => Object.keys(variableNamesOf(c.collection)).length).map((c) => c.name);
  const uses = `${renamed.join(', ')} use${renamed.length === 1 ? 's' : ''} your own variable names`;
  if (renamed.length && !inputs.inSandbox)
    inputs.report(
      `note: tokens are fetched by the collections' script (as with --in-sandbox): ${uses} (pm-oauth2.config.json "variables")`,
    );
  const tokens = !inputs.inSandbox && !renamed.length ? 'in-process' : 'script';
  if (inputs.tokenSource && tokens !== 'in-process')
    throw new PmOAuth2Error(
      'USAGE',
      `--parallel shares tokens fetched in Node among its workers, and ${inputs.inSandbox ? "--in-sandbox fetches them in each worker's script" : `${uses}, which only the script reads`} — run without --parallel (or use --shard over several jobs)`,
    );
  return { tokens, renamed, signingScript: tokens === 'script' && jwt, dpop, tokenUrls, configs };
}

/** --export-collection writes one collection. */
export function refuseImpossibleExports(
  loaded: readonly LoadedCollection[],
  options: { readonly exportCollectionFile?: string | undefined },
): void {
  if (options.exportCollectionFile && loaded.length !== 1)
    throw new PmOAuth2Error(
      'USAGE',
      `--export-collection writes one collection, and ${loaded.length} are run — pass the one collection to export, or leave the option out`,
    );
}

/** Every problem of every collection at once, before anything runs. */
function validate(
  collections: readonly LoadedCollection[],
  inputs: PlanInputs,
): { tokenUrls: Set<string>; jwt: boolean; dpop: boolean; configs: TokenConfig[] } {
  const { globals } = inputs;
  /** Each problem, with the collections it is found in: one line for it, naming them when not all. */
  const problems = new Map<string, string[]>();
  const tokenUrls = new Set<string>();
  const configs: TokenConfig[] = [];
  let jwt = false;
  for (const { collection, name } of collections) {
    // Globals rank below the collection's variables, as in Newman.
    const variables = {
      ...Object.fromEntries([...globals].map(([key, g]) => [key, g.value])),
      ...Object.fromEntries(
        (collection.variable ?? []).map((v) => [v.key, v.value === undefined ? '' : String(v.value)]),
      ),
    };
    // Read as the collection's script reads them: under the team's names, if it has any.
    const renames = variableNamesOf(collection);
    for (const profile of clientsOf(parseProfiles(variables[PROFILES_VARIABLE]))) {
      const check = checkConfig(inputs.variables, variables, inputs.environment?.file, profile, renames);
      check.problems.forEach((p) => problems.set(p, [...new Set([...(problems.get(p) ?? []), name])]));
      check.warnings.forEach((w) => inputs.report(`warning: ${w}`));
      if (check.config) configs.push(check.config);
      if (check.config) tokenUrls.add(check.config.tokenUrl);
      if (check.config && (signsAssertion(check.config.clientAuth) || check.config.dpop)) jwt = true;
    }
  }
  if (problems.size) {
    const where = (names: string[]) =>
      collections.length > 1 && names.length < collections.length ? ` (in ${names.join(', ')})` : '';
    throw new PmOAuth2Error(
      'CONFIG_INVALID',
      `the configuration is incomplete; nothing was run:\n${[...problems].map(([p, names]) => `  - ${p}${where(names)}`).join('\n')}`,
    );
  }
  return { tokenUrls, jwt, dpop: configs.some((c) => c.dpop), configs };
}

/** A collection's map of the team's own variable names, as the generator wrote it. */
export function variableNamesOf(collection: {
  variable?: Array<{ key: string; value?: unknown }>;
}): Record<string, string> {
  const value = collection.variable?.find((v) => v.key === NAMES_VARIABLE)?.value;
  return parseVariableNames(typeof value === 'string' ? value : undefined);
}
