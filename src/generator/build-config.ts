// pm-oauth2.config.json: the generator's settings. Checked in three steps (parse, shape, rules), and
// every problem is reported at once with the key it is about.
import { readFile } from 'node:fs/promises';
import { PmOAuth2Error } from '../errors.js';
import { profileNameProblem } from '../oauth/profiles.js';
import { variableNamesProblems } from '../oauth/variable-names.js';
import { withoutBom } from '../files.js';
import { parseJsonText } from '../json-text.js';

export interface BuildConfig {
  /** Folder path (names joined by "/") → credential profile. */
  readonly folderProfiles: Readonly<Record<string, string>>;
  /** Embed the post-response script that renews and retries after a 401 (a second sandbox execution per request). */
  readonly retryOn401?: boolean;
  /** The team's own names for the default client's variables: oauth2_* name → theirs (variable-names.ts). */
  readonly variables?: Readonly<Record<string, string>>;
  /** How `run --shard` and `--parallel` split the suite: collections (by name or file stem) never split into folders. */
  readonly shard?: { readonly keepWhole: readonly string[] };
}

export const CONFIG_FILE = 'pm-oauth2.config.json';
const KNOWN_KEYS = new Set(['$schema', 'folderProfiles', 'retryOn401', 'variables', 'shard']);

/** @returns the empty configuration when the file is absent and was not asked for by name */
export async function readBuildConfig(file: string, required: boolean): Promise<BuildConfig> {
  let text: string;
  try {
    text = withoutBom(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !required) return { folderProfiles: {} };
    throw new PmOAuth2Error(
      'CONFIG_INVALID',
      `${file}: cannot be read (${(error as NodeJS.ErrnoException).code}) — check the path given to --config`,
      { cause: error },
    );
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw new PmOAuth2Error('CONFIG_INVALID', `${file}: not JSON (${parsed.where}) — fix the file`);
  return checkBuildConfig(parsed.value, file);
}

export function checkBuildConfig(json: unknown, file: string): BuildConfig {
  if (!json || typeof json !== 'object' || Array.isArray(json))
    throw new PmOAuth2Error(
      'CONFIG_INVALID',
      `${file}: must be a JSON object like {"folderProfiles": {"Admin": "admin"}}`,
    );
  const problems: string[] = [];
  for (const key of Object.keys(json))
    if (!KNOWN_KEYS.has(key))
      problems.push(`unknown key "${key}" (known: folderProfiles, retryOn401, variables, shard)`);
  const map = (json as { folderProfiles?: unknown }).folderProfiles ?? {};
  const folderProfiles: Record<string, string> = {};
  if (!map || typeof map !== 'object' || Array.isArray(map))
    problems.push('folderProfiles must be an object of "folder path": "profile"');
  else {
    for (const [folder, profile] of Object.entries(map)) {
      if (typeof profile !== 'string') problems.push(`folderProfiles["${folder}"] must be a profile name (a string)`);
      else if (profileNameProblem(profile))
        problems.push(`folderProfiles["${folder}"]: ${profileNameProblem(profile)}`);
      else folderProfiles[folder] = profile;
    }
  }
  const retryOn401 = (json as { retryOn401?: unknown }).retryOn401;
  if (retryOn401 !== undefined && typeof retryOn401 !== 'boolean') problems.push('retryOn401 must be true or false');
  const names = (json as { variables?: unknown }).variables;
  if (names !== undefined && (!names || typeof names !== 'object' || Array.isArray(names)))
    problems.push('variables must be an object of "oauth2_… name": "your name", e.g. {"oauth2_access_token": "jwt"}');
  else if (names) problems.push(...variableNamesProblems(names as Record<string, unknown>));
  const shard = shardSettings((json as { shard?: unknown }).shard, problems);
  if (problems.length)
    throw new PmOAuth2Error('CONFIG_INVALID', `${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return {
    folderProfiles,
    ...(typeof retryOn401 === 'boolean' ? { retryOn401 } : {}),
    ...(names && Object.keys(names).length ? { variables: names as Record<string, string> } : {}),
    ...(shard ? { shard } : {}),
  };
}

function shardSettings(value: unknown, problems: string[]): BuildConfig['shard'] {
  if (value === undefined) return undefined;
  const keepWhole = (value as { keepWhole?: unknown } | null)?.keepWhole;
  const extra = value && typeof value === 'object' ? Object.keys(value).filter((k) => k !== 'keepWhole') : [];
  if (
    !value ||
    typeof value !== 'object' ||
    Array.isArray(value) ||
    extra.length ||
    !Array.isArray(keepWhole) ||
    !keepWhole.every((k) => typeof k === 'string' && k)
  ) {
    problems.push(
      'shard must be {"keepWhole": ["collection name or file stem", …]}: the collections whose folders depend on each other',
    );
    return undefined;
  }
  return { keepWhole: keepWhole as string[] };
}
