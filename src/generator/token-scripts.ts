// Hand-written token scripts: a collection- or folder-level pre-request script that calls a token
// endpoint with pm.sendRequest (the widely copied community scripts). Left in place, it would run
// beside ours; replaced (build --replace-token-scripts), ours takes over the names it used.
import { CACHE_VARIABLES, inOurNamespace, VARIABLES } from '../oauth/vocabulary.js';
import type { Collection, CollectionEvent, Item } from './collection-types.js';

export interface TokenScript {
  /** The collection's name, or the folder's path inside it. */
  readonly where: string;
  /** Our names → the names the script used, as far as they can be told apart. */
  readonly names: Record<string, string>;
  /** Names it read that map to none of ours (a host the token URL was built from, …). */
  readonly unmapped: string[];
  readonly event: CollectionEvent;
  readonly owner: { event?: CollectionEvent[] };
}

const CALLS_TOKEN_ENDPOINT = /pm\.sendRequest/;
const SPEAKS_OAUTH = /client_credentials|grant_type|access_token/;
const SCOPES = '(?:environment|globals|collectionVariables|variables)';
const SET = new RegExp(`pm\\.${SCOPES}\\.set\\(\\s*(['"\`])([^'"\`]+)\\1\\s*,([^;\\n]*)`, 'g');
const GET = new RegExp(`pm\\.${SCOPES}\\.get\\(\\s*(['"\`])([^'"\`]+)\\1\\s*\\)|\\{\\{([\\w.-]+)\\}\\}`, 'g');

/** What a name it reads is, by the words in it. */
const READ_AS: ReadonlyArray<[RegExp, string]> = [
  [/client.?id/i, VARIABLES.clientId],
  [/client.?secret|^secret$/i, VARIABLES.clientSecret],
  [/scope/i, VARIABLES.scope],
  [/audience/i, VARIABLES.audience],
  [/(token|auth|oauth).?(url|uri|endpoint)/i, VARIABLES.tokenUrl],
];

export function findTokenScripts(collection: Collection, ourScriptIds: ReadonlySet<string>): TokenScript[] {
  const found: TokenScript[] = [];
  const visit = (owner: { event?: CollectionEvent[] }, where: string) => {
    for (const event of owner.event ?? []) {
      if (event.listen !== 'prerequest' || (event.script?.id && ourScriptIds.has(event.script.id))) continue;
      const text = scriptText(event);
      if (CALLS_TOKEN_ENDPOINT.test(text) && SPEAKS_OAUTH.test(text))
        found.push({ where, event, owner, ...namesUsed(text) });
    }
  };
  const name = collection.info.name ?? 'collection';
  visit(collection, name);
  const walk = (items: readonly Item[], path: string) => {
    for (const item of items) {
      if (!item.item) continue;
      const folder = path ? `${path}/${item.name ?? ''}` : (item.name ?? '');
      visit(item, `${name} › folder "${folder}"`);
      walk(item.item, folder);
    }
  };
  walk(collection.item, '');
  return found;
}

/** Takes the scripts out of the collection they were found in. */
export function removeTokenScripts(scripts: readonly TokenScript[]): void {
  for (const script of scripts) script.owner.event = (script.owner.event ?? []).filter((e) => e !== script.event);
}

export function describeNames(names: Readonly<Record<string, string>>): string {
  return (
    Object.entries(names)
      .map(([ours, theirs]) => `${theirs} → ${ours}`)
      .join(', ') || 'none of its names could be told apart'
  );
}

function scriptText(event: CollectionEvent): string {
  const exec = event.script?.exec;
  return Array.isArray(exec) ? exec.join('\n') : String(exec ?? '');
}

function namesUsed(text: string): { names: Record<string, string>; unmapped: string[] } {
  const names: Record<string, string> = {};
  /** @returns whether `theirs` now stands for `ours` */
  const claim = (ours: string, theirs: string): boolean => {
    if (inOurNamespace(theirs) || names[ours] !== undefined || Object.values(names).includes(theirs))
      return names[ours] === theirs;
    names[ours] = theirs;
    return true;
  };
  for (const [, , name = '', value = ''] of text.matchAll(SET)) {
    if (/access_token/.test(value)) claim(CACHE_VARIABLES.accessToken, name);
    else if (/expir/i.test(name) || /expires_in/.test(value)) claim(CACHE_VARIABLES.expiresAt, name);
  }
  const unmapped = new Set<string>();
  for (const match of text.matchAll(GET)) {
    const name = match[2] ?? match[3] ?? '';
    if (Object.values(names).includes(name) || inOurNamespace(name)) continue;
    const ours = READ_AS.find(([pattern]) => pattern.test(name))?.[1];
    if (!ours || !claim(ours, name)) unmapped.add(name);
  }
  return { names, unmapped: [...unmapped] };
}
