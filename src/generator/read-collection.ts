// Reads one input file into a v2.1 collection, or fails with a message naming the file and the fix.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { createRequire } from 'node:module';
import { PmOAuth2Error } from '../errors.js';
import type { Collection } from './collection-types.js';
import { isV20Collection, upgradeToV21, V21_SCHEMA } from './upgrade.js';
import { withoutBom } from '../files.js';
import { parseJsonText } from '../json-text.js';

const require = createRequire(import.meta.url);

/** The Postman SDK a collection is checked with: what it cannot load, Newman cannot run. */
export interface CollectionSdk {
  Collection: new (json: object) => unknown;
}

export interface ReadOptions {
  /** @default this package's postman-collection; the runner passes the copy Newman has loaded already */
  readonly sdk?: CollectionSdk;
}

export async function readCollectionFile(file: string, options: ReadOptions = {}): Promise<Collection> {
  return (await readCollection(file, options)).collection;
}

/** The collection, and what the user should be told about the input (an OpenAPI document's flows). */
export async function readCollection(
  file: string,
  options: ReadOptions = {},
): Promise<{ collection: Collection; warnings: string[] }> {
  const text = await readText(file);
  if (/^\.ya?ml$/i.test(extname(file))) return convertOpenApi(text, file);
  const parsed = parseJsonText(text);
  if (!parsed.ok)
    throw new PmOAuth2Error(
      'INPUT_NOT_JSON',
      `${file}: not JSON (${parsed.where}) — export the collection again from Postman (Collection v2.1), or fix the file`,
    );
  const json = parsed.value;
  if (isOpenApiDocument(json)) return convertOpenApi(text, file);
  return { collection: toV21(json, file, options.sdk), warnings: [] };
}

async function readText(file: string): Promise<string> {
  try {
    return withoutBom(await readFile(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${code ?? 'error'})`;
    throw new PmOAuth2Error('INPUT_UNREADABLE', `${file}: ${why} — check the path`, { cause: error });
  }
}

function toV21(json: unknown, file: string, sdk: CollectionSdk | undefined): Collection {
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw new PmOAuth2Error(
      'INPUT_NOT_COLLECTION',
      `${file}: not a Postman collection (the JSON is not an object) — export the collection from Postman as Collection v2.1`,
    );
  }
  const record = json as Record<string, unknown>;
  if ('_postman_variable_scope' in record || ('values' in record && !('info' in record))) {
    throw new PmOAuth2Error(
      'INPUT_NOT_COLLECTION',
      `${file}: a Postman environment, not a collection — pass it to pm-oauth2 run --env, and keep it out of the collections folder`,
    );
  }
  if (Array.isArray(record['requests']) && !('info' in record)) {
    throw new PmOAuth2Error(
      'INPUT_POSTMAN_V1',
      `${file}: a Postman v1 collection, which Newman 6 no longer runs — open it in Postman and export it as Collection v2.1`,
    );
  }
  if (isV20Collection(record)) return validated(upgradeToV21(record), file, sdk);
  const info = record['info'] as Record<string, unknown> | undefined;
  if (!info || typeof info !== 'object' || !Array.isArray(record['item'])) {
    throw new PmOAuth2Error(
      'INPUT_NOT_COLLECTION',
      `${file}: not a Postman collection (it needs "info" and an "item" list) — export the collection from Postman as Collection v2.1`,
    );
  }
  if (typeof info['schema'] === 'string' && !info['schema'].includes('v2.1')) {
    throw new PmOAuth2Error(
      'INPUT_NOT_COLLECTION',
      `${file}: unknown collection schema ${info['schema']} — export the collection from Postman as Collection v2.1`,
    );
  }
  return validated(record as unknown as Collection, file, sdk);
}

/** The SDK is the reference reader of the format: what it cannot load, Newman cannot run. */
function validated(
  collection: Collection,
  file: string,
  sdk: CollectionSdk = require('postman-collection') as CollectionSdk,
): Collection {
  try {
    new sdk.Collection(collection);
  } catch (error) {
    throw new PmOAuth2Error(
      'INPUT_NOT_COLLECTION',
      `${file}: the Postman SDK cannot load it (${(error as Error).message}) — export the collection again from Postman`,
      { cause: error },
    );
  }
  collection.info.schema ??= V21_SCHEMA;
  return collection;
}

function isOpenApiDocument(json: unknown): boolean {
  return !!json && typeof json === 'object' && ('openapi' in json || 'swagger' in json);
}

/** The converter and its YAML parser load only for an OpenAPI document. */
async function convertOpenApi(text: string, file: string): Promise<{ collection: Collection; warnings: string[] }> {
  return (await import('./openapi.js')).convertOpenApi(text, file);
}
