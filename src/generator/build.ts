// `pm-oauth2 build`: every input collection in, every built collection out; one bad input never
// stops the others, and never leaves a half-written file.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PmOAuth2Error } from '../errors.js';
import type { BuildConfig } from './build-config.js';
import type { Collection } from './collection-types.js';
import { SCRIPT_ID, TEST_SCRIPT_ID } from '../oauth/vocabulary.js';
import { embedScript, type ScriptVariants } from './embed.js';
import { describeNames, findTokenScripts, removeTokenScripts } from './token-scripts.js';
import { VARIABLES } from '../oauth/vocabulary.js';
import { readCollection } from './read-collection.js';
import { writeFileAtomic } from '../files.js';

export interface BuildOptions {
  /** Files or folders; folders are searched for .json, .yaml and .yml files. */
  readonly inputs: readonly string[];
  readonly outDir: string;
  /** @default dist/prerequest.js and dist/prerequest-jwt.js of this package */
  readonly scriptPaths?: { readonly secret: string; readonly jwt: string };
  /** Embed the variant that can sign client assertions in every collection. @default false */
  readonly jwt?: boolean;
  /** From pm-oauth2.config.json. */
  readonly config?: BuildConfig;
  /** Embed the post-response script that renews and retries after a 401. @default the configuration's retryOn401, else false */
  readonly retryOn401?: boolean | undefined;
  /**
   * Replace a hand-written token script (token-scripts.ts) by ours, reading and writing the names
   * it used; without it, such a script is left in place with a warning. @default false
   */
  readonly replaceTokenScripts?: boolean | undefined;
}

export interface BuiltCollection {
  readonly input: string;
  readonly output: string;
  readonly warnings: readonly string[];
}

export interface BuildOutcome {
  readonly built: BuiltCollection[];
  /** Configuration entries that matched no folder of any collection: a typo, most likely. */
  readonly unmatchedFolders: string[];
  readonly failed: Array<{ readonly input: string; readonly error: PmOAuth2Error }>;
}

export const DEFAULT_SCRIPT_PATHS = {
  secret: fileURLToPath(new URL('../../dist/prerequest.js', import.meta.url)),
  jwt: fileURLToPath(new URL('../../dist/prerequest-jwt.js', import.meta.url)),
};
const INPUT_FILE = /\.(json|ya?ml)$/i;

export async function buildCollections(options: BuildOptions): Promise<BuildOutcome> {
  const scripts = await readScripts(options.scriptPaths ?? DEFAULT_SCRIPT_PATHS);
  const files = await expandInputs(options.inputs);
  const outcome: BuildOutcome = { built: [], failed: [], unmatchedFolders: [] };
  const taken = new Map<string, string>();
  const matched = new Set<string>();
  for (const input of files) {
    try {
      const output = join(options.outDir, outputName(input));
      const other = taken.get(output);
      if (other)
        throw new PmOAuth2Error('USAGE', `${input}: would be built to ${output}, like ${other} — rename one of them`);
      taken.set(output, input);
      const read = await readCollection(input);
      const handWritten = handWrittenTokenScripts(read.collection, options);
      const { collection, warnings, profiles } = embedScript(read.collection, scripts, {
        jwt: options.jwt,
        folderProfiles: options.config?.folderProfiles,
        retryOn401: options.retryOn401 ?? options.config?.retryOn401,
        variableNames: { ...handWritten.names, ...options.config?.variables },
      });
      Object.keys(profiles).forEach((folder) => matched.add(folder));
      await writeFileAtomic(output, `${JSON.stringify(collection, null, '\t')}\n`);
      outcome.built.push({ input, output, warnings: [...read.warnings, ...handWritten.warnings, ...warnings] });
    } catch (error) {
      if (!(error instanceof PmOAuth2Error)) throw error;
      outcome.failed.push({ input, error });
    }
  }
  outcome.unmatchedFolders.push(
    ...Object.keys(options.config?.folderProfiles ?? {}).filter((folder) => !matched.has(folder)),
  );
  return outcome;
}

/** `X.json` and `X.postman_collection.json` both become `X.postman_collection.json`. */
export function outputName(input: string): string {
  const stem = basename(input).replace(/(\.postman_collection)?\.json$|\.ya?ml$/i, '');
  return `${stem}.postman_collection.json`;
}

export async function readScripts(paths: { readonly secret: string; readonly jwt: string }): Promise<ScriptVariants> {
  const read = async (path: string): Promise<string> => {
    try {
      return (await readFile(path, 'utf8')).trimEnd();
    } catch (error) {
      throw new PmOAuth2Error(
        'SCRIPT_NOT_BUILT',
        `${path}: the pre-request script is not built — run npm run script:build`,
        { cause: error },
      );
    }
  };
  return { secret: await read(paths.secret), jwt: await read(paths.jwt) };
}

/** Files as given, folders expanded (sorted, so builds are repeatable); a missing path is reported by the reader. */
export async function expandInputs(inputs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => undefined);
    if (info?.isDirectory()) files.push(...(await filesBelow(input)));
    else files.push(input);
  }
  return files;
}

async function filesBelow(dir: string): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await filesBelow(path)));
    else if (INPUT_FILE.test(entry.name) && !entry.name.endsWith('.postman_environment.json')) files.push(path);
  }
  return files;
}

/**
 * A hand-written token script in the collection: replaced by ours when asked (its names become the
 * build's, below any pm-oauth2.config.json "variables"), otherwise left with a warning. Works on the
 * collection as read, which is a copy.
 */
function handWrittenTokenScripts(
  collection: Collection,
  options: BuildOptions,
): { names: Record<string, string>; warnings: string[] } {
  const found = findTokenScripts(collection, new Set([SCRIPT_ID, TEST_SCRIPT_ID]));
  if (!found.length) return { names: {}, warnings: [] };
  if (!options.replaceTokenScripts) {
    return {
      names: {},
      warnings: found.map(
        (script) =>
          `${script.where}: has its own token script (pm.sendRequest to a token endpoint), which would run beside pm-oauth2's — pass --replace-token-scripts to replace it, keeping its variable names (${describeNames(script.names)})`,
      ),
    };
  }
  removeTokenScripts(found);
  const names: Record<string, string> = {};
  for (const script of found) for (const [ours, theirs] of Object.entries(script.names)) names[ours] ??= theirs;
  const warnings = found.map(
    (script) =>
      `${script.where}: its token script was replaced by pm-oauth2's, which reads and writes its names (${describeNames(script.names)})` +
      (script.unmapped.length
        ? `; it also read ${script.unmapped.join(', ')}, which pm-oauth2 does not: set ${VARIABLES.tokenUrl} (the whole token URL) and any other oauth2_* setting in the environment`
        : ''),
  );
  if (!names[VARIABLES.tokenUrl])
    warnings.push(
      `${collection.info.name ?? 'collection'}: set ${VARIABLES.tokenUrl} in each environment (the token endpoint's whole URL)`,
    );
  return { names, warnings };
}
