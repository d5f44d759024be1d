// The heart of the generator: one collection in, the same collection with our script and Bearer
// auth at its root out. Edits the JSON directly: the SDK's toJSON() adds random ids and drops fields.
import { signsAssertion } from '../oauth/client-auth.js';
import {
  CACHE_VARIABLES,
  isSecretVariable,
  isVariable,
  NAMES_VARIABLE,
  NO_CLIENT,
  PROFILES_VARIABLE,
  parseVariable,
  SCRIPT_ID,
  TEST_SCRIPT_ID,
  VARIABLES,
  scriptVariantOf,
  environmentNameFor,
} from '../oauth/vocabulary.js';
import { dpopRequested } from '../oauth/dpop/setting.js';
import { normaliseAuthTree } from './auth-tree.js';
import { scrubLiteralCredentials } from './scrub-credentials.js';
import { guardItemTests, guardTestEvents, unguardItemTests, unguardTestEvents } from './retry-guard.js';
import { applyFolderProfiles, bearerAuth, profileVariables } from './profiles.js';
import { profilesForSettings } from './settings-profiles.js';
import { parseProfiles, profileVariable } from '../oauth/profiles.js';
import type { Auth, Collection, CollectionEvent, CollectionVariable } from './collection-types.js';
import { grantTypeOf, importClientCredentials, isOAuth2, type ImportedOAuth2 } from './oauth2-import.js';

const SECRET_METHOD_VARIABLES = [
  VARIABLES.tokenUrl,
  VARIABLES.clientId,
  VARIABLES.clientSecret,
  VARIABLES.clientAuth,
  VARIABLES.scope,
  VARIABLES.audience,
  VARIABLES.resource,
  VARIABLES.extraParams,
  VARIABLES.refreshMargin,
  VARIABLES.tokenTimeout,
  VARIABLES.retryOn401,
];
const JWT_METHOD_VARIABLES = [
  VARIABLES.privateKey,
  VARIABLES.keyId,
  VARIABLES.assertionAudience,
  VARIABLES.assertionAlg,
  VARIABLES.certificateThumbprint,
  VARIABLES.certificate,
  VARIABLES.dpop,
  VARIABLES.dpopKey,
];
/** The token cache, for any profile: its values never go into a built collection, nor do secrets' (a `{{reference}}` may). */
const CACHE_BASES: ReadonlySet<string> = new Set(Object.values(CACHE_VARIABLES));

/** Adds variables that are not there yet, keeping the user's and their order. */
function mergeVariables(existing: CollectionVariable[], added: CollectionVariable[]): CollectionVariable[] {
  const out = existing.map((v) => ({ ...v }));
  for (const variable of added) {
    const found = out.find((v) => v.key === variable.key);
    if (!found) out.push(variable);
    else if (variable.key === PROFILES_VARIABLE) found.value = variable.value;
  }
  return out;
}

export interface EmbedResult {
  readonly collection: Collection;
  readonly warnings: string[];
  /** Folder path → profile, for the folders of this collection the configuration mapped. */
  readonly profiles: Readonly<Record<string, string>>;
}

/** The script texts to embed: the small one, and the one that can sign client assertions. */
export interface ScriptVariants {
  readonly secret: string;
  readonly jwt: string;
}

/** A collection whose oauth2_client_auth names a JWT method, or whose oauth2_dpop is true, gets the variant with the signing code. */
export function usesJwtClientAuth(collection: Collection): boolean {
  const auth = variableOf(collection, VARIABLES.clientAuth);
  return (typeof auth === 'string' && signsAssertion(auth.trim())) || usesDpop(collection);
}

/** DPoP set in the collection's variables: an API's nonce is learned from its answers, so the after-response script goes in too. */
function usesDpop(collection: Collection): boolean {
  return dpopRequested((key) => variableOf(collection, key));
}

function variableOf(collection: Collection, key: string): string | undefined {
  const value = collection.variable?.find((v) => v.key === key)?.value;
  return typeof value === 'string' ? value : undefined;
}

/** Whether a built collection carries the JWT variant, as its banner says. */
export function hasJwtScript(collection: Collection): boolean {
  const exec = collection.event?.find(isOurs)?.script?.exec;
  const banner = Array.isArray(exec) ? exec.slice(0, 8).join('\n') : String(exec ?? '').slice(0, 2000);
  return scriptVariantOf(banner) === 'jwt';
}

/** Whether a built collection carries our after-response script (built with retryOn401). */
export function hasTestScript(collection: Collection): boolean {
  return !!collection.event?.some((e) => e.script?.id === TEST_SCRIPT_ID);
}

export interface EmbedOptions {
  /** Embed the JWT variant even when the collection does not name a JWT method. @default false */
  readonly jwt?: boolean | undefined;
  /** Folder path → credential profile, from pm-oauth2.config.json. */
  readonly folderProfiles?: Readonly<Record<string, string>> | undefined;
  /**
   * Also embed the script as the first test script, which renews and retries after a 401, and guard
   * the user's tests for the rejected answer. A second sandbox execution per request, so off unless
   * asked for; pm-oauth2 run does the same in process at no cost. @default false
   */
  readonly retryOn401?: boolean | undefined;
  /** The team's own names for the default client's variables (pm-oauth2.config.json "variables"). */
  readonly variableNames?: Readonly<Record<string, string>> | undefined;
}

/** Embeds the script and the Bearer auth; the input is not changed. */
export function embedScript(input: Collection, scripts: ScriptVariants, options: EmbedOptions = {}): EmbedResult {
  const forceJwt = options.jwt ?? false;
  options = { ...options, retryOn401: options.retryOn401 ?? usesDpop(input) };
  const folderProfiles = options.folderProfiles ?? {};
  const collection = structuredClone(input);
  const name = collection.info.name ?? 'collection';
  const warnings: string[] = [];
  const profiles = applyFolderProfiles(collection.item, folderProfiles);
  const imported: ImportedOAuth2[] = [];
  const names = options.variableNames ?? {};
  const renamed = (key: string) => names[key] ?? key;
  const rootAuth = collection.auth;
  if (rootAuth && isOAuth2(rootAuth)) {
    if (grantTypeOf(rootAuth) === 'client_credentials') imported.push(importClientCredentials(rootAuth, name));
    else
      warnings.push(
        `${name}: the collection uses OAuth 2.0 with the ${grantTypeOf(rootAuth)} grant, which pm-oauth2 does not run; it was replaced by the client credentials script`,
      );
  } else if (rootAuth && rootAuth.type !== 'bearer' && rootAuth.type !== 'noauth' && rootAuth.type !== 'inherit') {
    warnings.push(
      `${name}: the collection's ${rootAuth.type} auth was replaced by Bearer {{${renamed(CACHE_VARIABLES.accessToken)}}}`,
    );
  }
  const tree = normaliseAuthTree(collection.item, name);
  const scrubbed = scrubLiteralCredentials(collection.item, name);
  imported.push(...tree.imported);
  const settings = profilesForSettings(imported, tree.otherGrants, folderProfiles);
  const derived = applyFolderProfiles(collection.item, settings.map).map;
  warnings.push(
    ...imported.flatMap((i) => i.warnings),
    ...tree.warnings,
    ...scrubbed,
    ...conflictWarnings(name, settings.defaults),
    ...settingsProfileWarnings(name, derived),
  );
  if (tree.ownAuth.length) {
    warnings.push(
      `${name}: ${tree.ownAuth.length} folder(s) or request(s) keep their own auth and will not get the token: ${tree.ownAuth.join(', ')}`,
    );
  }
  const folderOnly = hasNoClientOfItsOwn(input, rootAuth, imported, settings.map, profiles.map);
  if (folderOnly) {
    collection.auth = { type: 'noauth' };
    if (Object.keys(settings.map).length)
      warnings.push(
        `${name}: only folder(s) ${Object.keys(settings.map)
          .map((f) => `"${f}"`)
          .join(
            ', ',
          )} have client credentials, and the collection had no auth: the requests outside them are still sent without auth (no default client)`,
      );
  } else collection.auth = bearerAuth(renamed(CACHE_VARIABLES.accessToken));
  const known = Object.assign({}, ...settings.defaults.map((i) => i.variables).reverse(), settings.variables) as Record<
    string,
    string
  >;
  const methods = Object.entries(known)
    .filter(([key]) => isVariable(key, VARIABLES.clientAuth))
    .map(([, value]) => value);
  const jwt = forceJwt || usesJwtClientAuth(collection) || methods.some(signsAssertion);
  // A rebuild finds the folders' settings already turned into profiles: the map it wrote holds them.
  const built = folderOnly ? parseProfiles(variableOf(input, PROFILES_VARIABLE)) : {};
  const allProfiles = { ...built, ...profiles.map, ...derived, ...(folderOnly ? { '': NO_CLIENT } : {}) };
  const withProfiles = mergeVariables(collection.variable ?? [], [
    ...profileVariables(allProfiles),
    ...Object.keys(settings.variables).map((key) => ({ key, value: '', type: 'string' })),
  ]);
  // With no default client, the default client's variables would only ask for what no request uses.
  const interfaceKeys = folderOnly
    ? []
    : (jwt ? [...SECRET_METHOD_VARIABLES, ...JWT_METHOD_VARIABLES] : SECRET_METHOD_VARIABLES).map(renamed);
  const namesVariable = Object.keys(names).length
    ? [{ key: NAMES_VARIABLE, value: JSON.stringify(names), type: 'string' }]
    : [];
  const variables = interfaceVariables(
    replaceVariable(withProfiles, NAMES_VARIABLE, namesVariable),
    interfaceKeys,
    known,
    name,
    warnings,
    new Map(Object.entries(names).map(([ours, theirs]) => [theirs, ours])),
  );
  const script = jwt ? scripts.jwt : scripts.secret;
  const userEvents = (collection.event ?? []).filter((e) => !isOurs(e));
  if (options.retryOn401) {
    guardTestEvents(userEvents, isOurs);
    guardItemTests(collection.item, isOurs);
  } else {
    unguardTestEvents(userEvents);
    unguardItemTests(collection.item);
  }
  const ours = [
    scriptEvent('prerequest', SCRIPT_ID, script),
    ...(options.retryOn401 ? [scriptEvent('test', TEST_SCRIPT_ID, script)] : []),
  ];
  collection.event = [...ours, ...userEvents];
  collection.variable = variables;
  return { collection, warnings, profiles: profiles.map };
}

/**
 * A collection with no auth of its own whose client credentials are all on folders, each now a
 * profile (a Microsoft Graph export: "Application" beside "Delegated"): the requests outside those
 * folders sent no auth and must not start to need a client. Once built, its map says so.
 */
function hasNoClientOfItsOwn(
  input: Collection,
  rootAuth: Auth | null | undefined,
  imported: readonly ImportedOAuth2[],
  settingsMap: Readonly<Record<string, string>>,
  configuredMap: Readonly<Record<string, string>>,
): boolean {
  if (parseProfiles(variableOf(input, PROFILES_VARIABLE))[''] === NO_CLIENT) return true;
  return (
    (!rootAuth || rootAuth.type === 'noauth') &&
    Object.keys(settingsMap).length > 0 &&
    !Object.keys(configuredMap).length &&
    imported.every((i) => i.folder !== undefined) &&
    !variableOf(input, VARIABLES.tokenUrl) &&
    !variableOf(input, VARIABLES.clientId)
  );
}

function scriptEvent(listen: string, id: string, script: string): CollectionEvent {
  return { listen, script: { id, type: 'text/javascript', exec: script.split('\n') } };
}

/** One of the scripts pm-oauth2 embeds (the pre-request script, the after-response one). */
export function isOurs(event: CollectionEvent): boolean {
  return event.script?.id === SCRIPT_ID || event.script?.id === TEST_SCRIPT_ID;
}

/** The collection's variables without `key`, then `replacement` (the map of a previous build goes). */
function replaceVariable(
  existing: CollectionVariable[],
  key: string,
  replacement: CollectionVariable[],
): CollectionVariable[] {
  return [...existing.filter((v) => v.key !== key), ...replacement];
}

/**
 * Keeps the user's variables in their order, adds the oauth2_* interface (so Postman's UI shows
 * what to fill in), and empties any secret or token value: the built collection is committed.
 * @param ourNames the team's name → ours: their secret and cached variables are emptied like ours
 */
function interfaceVariables(
  existing: CollectionVariable[],
  keys: readonly string[],
  known: Record<string, string>,
  name: string,
  warnings: string[],
  ourNames: ReadonlyMap<string, string>,
): CollectionVariable[] {
  const variables = existing.map((v) => ({ ...v }));
  const byKey = new Map(variables.map((v) => [v.key, v]));
  for (const key of keys) if (!byKey.has(key)) variables.push({ key, value: '', type: 'string' });
  // The settings found in the collection fill what is empty, a profile's variables included.
  for (const variable of variables) {
    const value = known[ourNames.get(variable.key) ?? variable.key];
    if (value !== undefined && !variable.value) variable.value = value;
  }
  for (const variable of variables) {
    const key = variable.key;
    const ours = ourNames.get(key) ?? key;
    const base = parseVariable(ours)?.base;
    const cache = base !== undefined && CACHE_BASES.has(base);
    // A credential of ours set here; the cached token is emptied as cache, with no advice to set it.
    const secret = base !== undefined && !cache && isSecretVariable(ours);
    const value = typeof variable.value === 'string' ? variable.value : '';
    if (!(secret || cache) || value === '' || (secret && /^\{\{[^{}]+\}\}$/.test(value.trim()))) continue;
    variable.value = '';
    warnings.push(
      `${name}: the collection variable ${key} held a value; it was emptied in the build${secret ? ` — set ${key} in the environment (in CI: export ${environmentNameFor(ours)})` : ''}`,
    );
  }
  return variables;
}

function settingsProfileWarnings(name: string, derived: Readonly<Record<string, string>>): string[] {
  const entries = Object.entries(derived);
  return entries.length
    ? [
        `${name}: the collection holds several OAuth 2.0 settings; ${entries.map(([folder, profile]) => `folder "${folder}" became credential profile ${profile} (set ${profileVariable(VARIABLES.clientSecret, profile)})`).join(', ')} — add them to pm-oauth2.config.json's folderProfiles to choose the names`,
      ]
    : [];
}

function conflictWarnings(name: string, imported: readonly ImportedOAuth2[]): string[] {
  const distinct = new Set(imported.map((i) => JSON.stringify(i.variables)));
  return distinct.size > 1
    ? [
        `${name}: ${distinct.size} different OAuth 2.0 client credentials settings were found; the first (the collection's, else the first folder's) fills the oauth2_* variables, and every request uses that one token`,
      ]
    : [];
}
