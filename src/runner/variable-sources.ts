// Where a variable's value comes from, lowest precedence first:
// environment file < .env < process environment < --env-var flags.
import { readFile } from 'node:fs/promises';
import { parse } from 'dotenv';
import { PmOAuth2Error } from '../errors.js';
import type { EnvironmentFile } from './environment-file.js';
import { withoutBom } from '../files.js';
import { inOurNamespace, isSecretVariable, variableNameFor } from '../oauth/vocabulary.js';

export type SourceKind =
  | 'environment file'
  | '.env'
  | 'process environment'
  | '--env-var'
  | 'made for this run'
  | 'read for this run';

export interface ResolvedVariable {
  readonly value: string;
  readonly source: SourceKind;
  readonly secret: boolean;
}

export type Variables = Map<string, ResolvedVariable>;

/** Globals (-g file, then --global-var): below the collection's variables, as in Newman. */
export type Globals = Map<string, { readonly value: string; readonly secret: boolean }>;

export interface SourceInputs {
  readonly environment: EnvironmentFile | undefined;
  readonly dotenvText: string | undefined;
  readonly processEnv: NodeJS.ProcessEnv;
  readonly flags: readonly string[];
}

export function mergeVariables(inputs: SourceInputs): Variables {
  const merged: Variables = new Map();
  const put = (key: string, value: string, source: SourceKind, secret = false): void => {
    merged.set(key, { value, source, secret: secret || merged.get(key)?.secret === true || isSecretVariable(key) });
  };
  for (const v of inputs.environment?.values ?? []) put(v.key, v.value, 'environment file', v.secret);
  for (const [name, value] of Object.entries(inputs.dotenvText ? parse(inputs.dotenvText) : {})) {
    const key = variableNameFor(name) ?? (inOurNamespace(name) ? name : undefined);
    if (key) put(key, value, '.env');
  }
  for (const [name, value] of Object.entries(inputs.processEnv)) {
    const key = variableNameFor(name);
    if (key && value !== undefined) put(key, value, 'process environment');
  }
  for (const flag of inputs.flags) {
    const [key, value] = assignment(flag, '--env-var');
    put(key, value, '--env-var');
  }
  return merged;
}

/** `key=value` of --env-var and --global-var. */
function assignment(flag: string, option: string): [string, string] {
  const eq = flag.indexOf('=');
  // Not echoed: a value pasted without its key may be a secret.
  if (eq <= 0)
    throw new PmOAuth2Error(
      'USAGE',
      `${option} needs the form key=value, and one of them ${eq === 0 ? 'has no key before "="' : 'has no "="'} (not shown: it may be a secret)`,
    );
  return [flag.slice(0, eq), flag.slice(eq + 1)];
}

/** Globals: the -g file's, then --global-var's; a value is secret as in the other sources. */
export function mergeGlobals(file: EnvironmentFile | undefined, flags: readonly string[]): Globals {
  const merged: Globals = new Map();
  const put = (key: string, value: string, secret: boolean): void => {
    merged.set(key, { value, secret: secret || merged.get(key)?.secret === true || isSecretVariable(key) });
  };
  for (const v of file?.values ?? []) put(v.key, v.value, v.secret);
  for (const flag of flags) put(...assignment(flag, '--global-var'), false);
  return merged;
}

/** @param required a file the user named must exist; the default .env is read only when present */
export async function readDotenv(path: string, required = false): Promise<string | undefined> {
  return readFile(path, 'utf8').then(withoutBom, (error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' && !required) return undefined;
    if (error.code === 'ENOENT')
      throw new PmOAuth2Error(
        'ENVIRONMENT_INVALID',
        `${path}: does not exist — check the --dotenv path, or leave the option out`,
        { cause: error },
      );
    throw new PmOAuth2Error('ENVIRONMENT_INVALID', `${path}: cannot be read (${error.code})`, { cause: error });
  });
}
