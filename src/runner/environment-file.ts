// Per-environment files: `environments/<name>.postman_environment.json`, or any path.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PmOAuth2Error } from '../errors.js';
import { withoutBom } from '../files.js';
import { parseJsonText } from '../json-text.js';

export interface EnvironmentValue {
  readonly key: string;
  readonly value: string;
  readonly secret: boolean;
}

export interface EnvironmentFile {
  readonly name: string;
  readonly file: string;
  /** Enabled entries only: Newman ignores `"enabled": false`, we honour it. */
  readonly values: readonly EnvironmentValue[];
}

export const ENVIRONMENTS_DIR = 'environments';

/** A bare name (`qa`) means environments/qa.postman_environment.json; anything with a slash or .json is a path. */
export function environmentPath(nameOrPath: string, cwd: string): string {
  return /[\\/]|\.json$/i.test(nameOrPath)
    ? nameOrPath
    : join(cwd, ENVIRONMENTS_DIR, `${nameOrPath}.postman_environment.json`);
}

const ENVIRONMENT_FILE = /\.postman_environment\.json$/;

export async function loadEnvironmentFile(nameOrPath: string, cwd: string): Promise<EnvironmentFile> {
  if (!nameOrPath.trim())
    throw new PmOAuth2Error('USAGE', `--env needs a value: an environment name${await namesHint(cwd)} or a file`);
  const file = environmentPath(nameOrPath, cwd);
  if (file !== nameOrPath) {
    const names = await environmentNames(cwd);
    if (!names.includes(nameOrPath)) {
      throw new PmOAuth2Error(
        'ENVIRONMENT_INVALID',
        `${file}: does not exist — no environment is named ${JSON.stringify(nameOrPath)}${names.length ? `; ${ENVIRONMENTS_DIR}/ has ${names.join(', ')}` : `, and ${join(cwd, ENVIRONMENTS_DIR)}/ has none (pm-oauth2 init writes them)`}`,
      );
    }
  }
  return loadVariableFile(file, 'environment', nameOrPath);
}

/** The names `--env` takes in this project: environments/<name>.postman_environment.json. */
export async function environmentNames(cwd: string): Promise<string[]> {
  const entries = await readdir(join(cwd, ENVIRONMENTS_DIR)).catch(() => [] as string[]);
  return entries
    .filter((entry) => ENVIRONMENT_FILE.test(entry))
    .map((entry) => entry.replace(ENVIRONMENT_FILE, ''))
    .sort();
}

/** ` (environments/ has dev, qa)`, or nothing when there are none. */
export async function namesHint(cwd: string): Promise<string> {
  const names = await environmentNames(cwd);
  return names.length ? ` (${ENVIRONMENTS_DIR}/ has ${names.join(', ')})` : '';
}

/**
 * A Postman environment or globals file (the same format).
 * @param fallbackName the name when the file has none
 */
export async function loadVariableFile(
  file: string,
  kind: 'environment' | 'globals',
  fallbackName: string = kind,
): Promise<EnvironmentFile> {
  const text = await readFile(file, 'utf8').then(withoutBom, (error: NodeJS.ErrnoException) => {
    const create =
      kind === 'environment'
        ? `create it, or pass --env with one of the files in ${ENVIRONMENTS_DIR}/`
        : 'check the -g/--globals path';
    const hint = error.code === 'ENOENT' ? `does not exist — ${create}` : `cannot be read (${error.code})`;
    throw new PmOAuth2Error('ENVIRONMENT_INVALID', `${file}: ${hint}`, { cause: error });
  });
  const parsed = parseJsonText(text);
  if (!parsed.ok)
    throw new PmOAuth2Error(
      'ENVIRONMENT_INVALID',
      `${file}: not JSON (${parsed.where}) — export the ${kind} from Postman again, or fix the file`,
    );
  const json = parsed.value;
  const record = json as { name?: unknown; values?: unknown };
  if (!record || typeof record !== 'object' || !Array.isArray(record.values)) {
    const where = kind === 'environment' ? 'Environments → ⋯ → Export' : 'Environments → Globals → Export';
    throw new PmOAuth2Error(
      'ENVIRONMENT_INVALID',
      `${file}: not a Postman ${kind} file (it needs a "values" list) — export it from Postman (${where})`,
    );
  }
  return {
    name: typeof record.name === 'string' && record.name ? record.name : fallbackName,
    file,
    values: readValues(record.values, file),
  };
}

function readValues(values: unknown[], file: string): EnvironmentValue[] {
  const out: EnvironmentValue[] = [];
  for (const [index, entry] of values.entries()) {
    const value = entry as { key?: unknown; value?: unknown; type?: unknown; enabled?: unknown; disabled?: unknown };
    if (!value || typeof value.key !== 'string' || !value.key) {
      throw new PmOAuth2Error(
        'ENVIRONMENT_INVALID',
        `${file}: values[${index}] has no "key" — every entry needs a key`,
      );
    }
    if (value.enabled === false || value.disabled === true) continue;
    out.push({
      key: value.key,
      value: value.value === undefined || value.value === null ? '' : String(value.value),
      secret: value.type === 'secret',
    });
  }
  return out;
}
