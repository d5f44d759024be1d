import { readFile } from 'node:fs/promises';
import type { Collection } from '../../src/generator/collection-types.js';

// A collection shaped like Microsoft Graph's workspace export: no auth at the root, client
// credentials on the Application folder only, authorization code on Delegated.
const GRAPH_TOKEN_URL = 'https://login.microsoftonline.com/{{TenantID}}/oauth2/v2.0/token';

/** The fixture with its token URL on this machine: nothing may reach Microsoft. */
export async function graphCollection(tokenUrl: string): Promise<Collection> {
  const text = await readFile('test/fixtures/generator/graph-folder-only.json', 'utf8');
  return JSON.parse(
    text.replaceAll(GRAPH_TOKEN_URL, tokenUrl).replace('https://graph.microsoft.com/.default', 'api:read'),
  ) as Collection;
}
