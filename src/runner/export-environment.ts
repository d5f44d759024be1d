// --export-environment and --export-globals: the variables after the run, with every secret and
// fingerprint masked and every token replaced by its mask — a file to inspect or archive, never a
// credential.
import { writeFileAtomic } from '../files.js';
import type { EnvironmentJson } from './newman-run.js';
import type { Redactor } from './redactor.js';

export async function exportEnvironment(
  file: string,
  environment: EnvironmentJson,
  redactor: Redactor,
  scope: 'environment' | 'globals' = 'environment',
): Promise<string> {
  const json = {
    name: environment.name,
    values: environment.values.map((v) => ({ ...v, value: v.type === 'secret' && v.value ? '***' : v.value })),
    _postman_variable_scope: scope,
  };
  await writeFileAtomic(file, `${JSON.stringify(redactor.redactJson(json), null, '\t')}\n`);
  return file;
}
