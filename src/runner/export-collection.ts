// --export-collection: the collection as built (the pasteable script and Bearer auth, whichever way
// the run signed its requests), with its variables as the run left them, secrets and tokens masked.
import type { Collection } from '../generator/collection-types.js';
import { writeFileAtomic } from '../files.js';
import type { Redactor } from './redactor.js';

export async function exportCollection(
  file: string,
  collection: Collection,
  variablesAfter: Readonly<Record<string, unknown>>,
  redactor: Redactor,
): Promise<string> {
  const known = new Set((collection.variable ?? []).map((v) => v.key));
  const variable = [
    ...(collection.variable ?? []).map((v) =>
      v.key in variablesAfter ? { ...v, value: stringOf(variablesAfter[v.key]) } : v,
    ),
    ...Object.entries(variablesAfter)
      .filter(([key]) => !known.has(key))
      .map(([key, value]) => ({ key, value: stringOf(value), type: 'string' })),
  ];
  await writeFileAtomic(file, `${JSON.stringify(redactor.redactJson({ ...collection, variable }), null, '\t')}\n`);
  return file;
}

const stringOf = (value: unknown): string => (value === undefined || value === null ? '' : String(value));
