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
function seedSchemaFaker(faker: SchemaFaker): (random: () => number) => () => void {
  return (random) => {
    faker.option({ random });
    return () => faker.option({ random: Math.random });
  };
}

export const CONVERTER_PACKAGE = 'openapi-to-postmanv2';

/**
 * Postman's converter, an optional peer dependency: only OpenAPI inputs need it, and with its own
 * dependencies it is a fifth of what a team would install for pm-oauth2 otherwise.
 * @param load resolves a module (tests hand in one that finds none)
 */
export function loadConverter(
  file: string,
  load: (id: string) => unknown = require,
): { converter: Converter; faker: SchemaFaker } {
  try {
    return {
      converter: load(CONVERTER_PACKAGE) as Converter,
      faker: load(`${CONVERTER_PACKAGE}/assets/json-schema-faker.js`) as SchemaFaker,
    };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
    throw new PmOAuth2Error(
      'OPENAPI_CONVERTER_MISSING',
      `${file} is an OpenAPI document, and converting it needs ${CONVERTER_PACKAGE}, which pm-oauth2 installs only when asked — run: npm install --save-dev ${CONVERTER_PACKAGE}@^6.3.3 (or build a Postman collection export instead)`,
      { cause: error },
    );
  }
}

export async function convertOpenApi(text: string, file: string): Promise<ConvertedOpenApi> {
  const { converter, faker } = loadConverter(file);
  const result = await withSeededRandom(
    seedFrom(text),
    seedSchemaFaker(faker),
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
