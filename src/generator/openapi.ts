// OpenAPI documents become collections first (Postman's own converter), so a team with only a spec
// gets a runnable collection.
import { createRequire } from 'node:module';
import { PmOAuth2Error } from '../errors.js';
import type { Collection } from './collection-types.js';
import { withoutInventedIds } from './random-ids.js';
import { seedFrom, withSeededRandom } from './seeded-random.js';
import { declaredClientCredentials } from './openapi-security.js';

export interface ConvertedOpenApi {
  readonly collection: Collection;
  /** What the build should tell the user about the document. */
  readonly warnings: string[];
}

const require = createRequire(import.meta.url);

interface ConversionResult {
  result: boolean;
  reason?: string;
  output?: Array<{ type: string; data: Collection }>;
}

interface Converter {
  convert(
    input: { type: 'string'; data: string },
    options: object,
    callback: (error: Error | null, result: ConversionResult) => void,
  ): void;
}

/** Options chosen for a build that is runnable and byte-for-byte repeatable. */
const CONVERSION_OPTIONS = {
  folderStrategy: 'Tags',
  requestNameSource: 'Fallback',
  parametersResolution: 'Example',
  // Asked for, but the converter fakes examples regardless: see seeded-random.ts.
  schemaFaker: false,
  // Requests inherit the collection's auth: the Bearer token of our script.
  alwaysInheritAuthentication: true,
};

interface SchemaFaker {
  option(options: { random: () => number }): void;
}

/** The converter's schema faker keeps its own reference to Math.random: it is seeded too, then given the real one back. */
function seedSchemaFaker(random: () => number): () => void {
  const faker = require('openapi-to-postmanv2/assets/json-schema-faker.js') as SchemaFaker;
  faker.option({ random });
  return () => faker.option({ random: Math.random });
}

export async function convertOpenApi(text: string, file: string): Promise<ConvertedOpenApi> {
  const converter = require('openapi-to-postmanv2') as Converter;
  const result = await withSeededRandom(
    seedFrom(text),
    seedSchemaFaker,
    () =>
      new Promise<ConversionResult>((resolve, reject) => {
        converter.convert({ type: 'string', data: text }, CONVERSION_OPTIONS, (error, outcome) =>
          error ? reject(error) : resolve(outcome),
        );
      }),
  ).catch((error: Error) => ({ result: false, reason: error.message }) as ConversionResult);
  const collection = result.result ? result.output?.find((o) => o.type === 'collection')?.data : undefined;
  if (!collection) {
    throw new PmOAuth2Error(
      'INPUT_OPENAPI_INVALID',
      `${file}: not a valid OpenAPI document (${result.reason ?? 'the converter returned no collection'}) — fix the spec, or export a Postman collection instead`,
    );
  }
  return withDeclaredClientCredentials(withoutInventedIds(collection), text, file);
}

/**
 * The converter maps a globally declared client credentials flow to the collection's OAuth 2.0 auth
 * (which the import then reads) and loses one declared per operation: the document is read for it
 * wherever it stands, and the collection gets the auth the import expects.
 */
function withDeclaredClientCredentials(collection: Collection, text: string, file: string): ConvertedOpenApi {
  const declared = declaredClientCredentials(text, file);
  if (!declared || collection.auth?.type === 'oauth2') return { collection, warnings: declared?.warnings ?? [] };
  collection.auth = {
    type: 'oauth2',
    oauth2: [
      { key: 'grant_type', value: 'client_credentials', type: 'string' },
      { key: 'accessTokenUrl', value: declared.tokenUrl, type: 'string' },
      { key: 'scope', value: declared.scopes.join(' '), type: 'string' },
    ],
  };
  return { collection, warnings: declared.warnings };
}
