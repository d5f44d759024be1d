// OpenAPI documents become collections first (Postman's own converter), so a team with only a spec
// gets a runnable collection.
import { createRequire } from 'node:module';
import { PmOAuth2Error } from '../errors.js';
import type { Collection } from './collection-types.js';
import { withoutInventedIds } from './random-ids.js';

const require = createRequire(import.meta.url);

interface ConversionResult {
  result: boolean;
  reason?: string;
  output?: Array<{ type: string; data: Collection }>;
}

interface Converter {
  convert(input: { type: 'string'; data: string }, options: object, callback: (error: Error | null, result: ConversionResult) => void): void;
}

/** Options chosen for a build that is runnable and byte-for-byte repeatable. */
const CONVERSION_OPTIONS = {
  folderStrategy: 'Tags',
  requestNameSource: 'Fallback',
  parametersResolution: 'Example',
  // Faked example values are random: they would make every build differ.
  schemaFaker: false,
  // Requests inherit the collection's auth: the Bearer token of our script.
  alwaysInheritAuthentication: true,
};

export function isOpenApiDocument(json: unknown): boolean {
  return !!json && typeof json === 'object' && ('openapi' in json || 'swagger' in json);
}

export async function convertOpenApi(text: string, file: string): Promise<Collection> {
  const converter = require('openapi-to-postmanv2') as Converter;
  const result = await new Promise<ConversionResult>((resolve, reject) => {
    converter.convert({ type: 'string', data: text }, CONVERSION_OPTIONS, (error, outcome) => (error ? reject(error) : resolve(outcome)));
  }).catch((error: Error) => ({ result: false, reason: error.message }) as ConversionResult);
  const collection = result.result ? result.output?.find((o) => o.type === 'collection')?.data : undefined;
  if (!collection) {
    throw new PmOAuth2Error('INPUT_OPENAPI_INVALID', `${file}: not a valid OpenAPI document (${result.reason ?? 'the converter returned no collection'}) — fix the spec, or export a Postman collection instead`);
  }
  return withoutInventedIds(collection);
}
