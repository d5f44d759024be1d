// Postman collection v2.0 → v2.1 with Postman's own transformer (the auth params change shape).
import { createRequire } from 'node:module';
import { PmOAuth2Error } from '../errors.js';
import type { Collection } from './collection-types.js';
import { idsIn, withoutInventedIds } from './random-ids.js';

const require = createRequire(import.meta.url);

interface Transformer {
  convert(input: object, options: { inputVersion: string; outputVersion: string; retainIds: boolean }, callback: (error: Error | null, result: object) => void): void;
}

export function isV20Collection(json: Record<string, unknown>): boolean {
  const info = json['info'] as { schema?: unknown } | undefined;
  return typeof info?.schema === 'string' && info.schema.includes('/v2.0.');
}

/** The transformer has no direct 2.0 → 2.1 converter; Postman's own path goes through 1.0. */
export function upgradeToV21(json: Record<string, unknown>, file: string): Collection {
  try {
    const v1 = convert(json, '2.0.0', '1.0.0');
    return withoutInventedIds(convert(v1, '1.0.0', '2.1.0'), idsIn(json)) as Collection;
  } catch (error) {
    throw new PmOAuth2Error('INPUT_NOT_COLLECTION', `${file}: this v2.0 collection could not be upgraded to v2.1 (${(error as Error).message}) — export it from Postman as Collection v2.1`, { cause: error });
  }
}

function convert(input: object, inputVersion: string, outputVersion: string): object {
  const transformer = require('postman-collection-transformer') as Transformer;
  let output: object | undefined;
  // The transformer calls back synchronously.
  transformer.convert(input, { inputVersion, outputVersion, retainIds: true }, (error, result) => {
    if (error) throw error;
    output = result;
  });
  if (!output) throw new Error('the transformer returned nothing');
  return output;
}
