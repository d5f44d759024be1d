// The heart of the generator: one collection in, the same collection with our script and Bearer
// auth at its root out. Edits the JSON directly: the SDK's toJSON() adds random ids and drops fields.
import { CACHE_VARIABLES, VARIABLES } from '../oauth/variables.js';
import { normaliseAuthTree } from './auth-tree.js';
import type { Auth, Collection, CollectionEvent, CollectionVariable } from './collection-types.js';
import { grantTypeOf, importClientCredentials, isOAuth2, type ImportedOAuth2 } from './oauth2-import.js';

/** Recognises our script in a built collection, so a rebuild replaces it instead of adding another. */
export const SCRIPT_ID = 'pm-oauth2-prerequest';

export const BEARER_AUTH = {
  type: 'bearer',
  bearer: [{ key: 'token', value: `{{${CACHE_VARIABLES.accessToken}}}`, type: 'string' }],
} as const;

export interface EmbedResult {
  readonly collection: Collection;
  readonly warnings: string[];
}

/** Embeds the script and the Bearer auth; the input is not changed. */
export function embedScript(input: Collection, script: string): EmbedResult {
  const collection = structuredClone(input);
  const name = collection.info.name ?? 'collection';
  const warnings: string[] = [];
  const imported: ImportedOAuth2[] = [];
  const rootAuth = collection.auth;
  if (rootAuth && isOAuth2(rootAuth)) {
    if (grantTypeOf(rootAuth) === 'client_credentials') imported.push(importClientCredentials(rootAuth, name));
    else warnings.push(`${name}: the collection uses OAuth 2.0 with the ${grantTypeOf(rootAuth)} grant, which pm-oauth2 does not run; it was replaced by the client credentials script`);
  } else if (rootAuth && rootAuth.type !== 'bearer' && rootAuth.type !== 'noauth' && rootAuth.type !== 'inherit') {
    warnings.push(`${name}: the collection's ${rootAuth.type} auth was replaced by Bearer {{${CACHE_VARIABLES.accessToken}}}`);
  }
  const tree = normaliseAuthTree(collection.item, name);
  imported.push(...tree.imported);
  warnings.push(...imported.flatMap((i) => i.warnings), ...tree.warnings, ...conflictWarnings(name, imported));
  if (tree.ownAuth.length) {
    warnings.push(`${name}: ${tree.ownAuth.length} folder(s) or request(s) keep their own auth and will not get the token: ${tree.ownAuth.join(', ')}`);
  }
  collection.auth = structuredClone(BEARER_AUTH) as unknown as Auth;
  collection.event = [scriptEvent(script), ...(collection.event ?? []).filter((e) => !isOurs(e))];
  const known = Object.assign({}, ...imported.map((i) => i.variables).reverse()) as Record<string, string>;
  collection.variable = interfaceVariables(collection.variable ?? [], known, name, warnings);
  return { collection, warnings };
}

function scriptEvent(script: string): CollectionEvent {
  return { listen: 'prerequest', script: { id: SCRIPT_ID, type: 'text/javascript', exec: script.split('\n') } };
}

function isOurs(event: CollectionEvent): boolean {
  return event.script?.id === SCRIPT_ID;
}

/**
 * Keeps the user's variables in their order, adds the oauth2_* interface (so Postman's UI shows
 * what to fill in), and empties any secret or token value: the built collection is committed.
 */
function interfaceVariables(existing: CollectionVariable[], known: Record<string, string>, name: string, warnings: string[]): CollectionVariable[] {
  const variables = existing.map((v) => ({ ...v }));
  const byKey = new Map(variables.map((v) => [v.key, v]));
  for (const key of Object.values(VARIABLES)) {
    const variable = byKey.get(key) ?? { key, value: '', type: 'string' };
    if (!byKey.has(key)) variables.push(variable);
    if (known[key] !== undefined && !variable.value) variable.value = known[key];
  }
  for (const key of [VARIABLES.clientSecret, ...Object.values(CACHE_VARIABLES)]) {
    const variable = byKey.get(key);
    const value = typeof variable?.value === 'string' ? variable.value : '';
    if (!variable || value === '' || (key === VARIABLES.clientSecret && /^\{\{[^{}]+\}\}$/.test(value.trim()))) continue;
    variable.value = '';
    warnings.push(`${name}: the collection variable ${key} held a value; it was emptied in the build${key === VARIABLES.clientSecret ? ` — set ${key} in the environment (in CI: export OAUTH2_CLIENT_SECRET)` : ''}`);
  }
  return variables;
}

function conflictWarnings(name: string, imported: readonly ImportedOAuth2[]): string[] {
  const distinct = new Set(imported.map((i) => JSON.stringify(i.variables)));
  return distinct.size > 1
    ? [`${name}: ${distinct.size} different OAuth 2.0 client credentials settings were found; the first (the collection's, else the first folder's) fills the oauth2_* variables, and every request uses that one token`]
    : [];
}
