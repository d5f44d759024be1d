// Credential profiles: several clients in one collection. Folders are mapped to profiles by the
// generator (pm-oauth2.config.json), which writes the map to the collection variable
// `oauth2_profiles`; the script finds the request's folder with pm.execution.location.
import { CACHE_VARIABLES, NO_CLIENT, PROFILE_NAME, VARIABLES, variableName } from './vocabulary.js';
/** Names that would read like a part of the base variables' names. */
const RESERVED = new Set([
  'client',
  'token',
  'access',
  'expires',
  'extra',
  'refresh',
  'private',
  'key',
  'assertion',
  'certificate',
  'retry',
  'retrying',
  'profiles',
  'scope',
  'audience',
  'resource',
]);

export function profileNameProblem(name: string): string | undefined {
  if (!PROFILE_NAME.test(name))
    return `"${name}" is not a profile name: use lower-case letters and digits, starting with a letter`;
  if (RESERVED.has(name)) return `"${name}" is reserved (it reads like part of an oauth2_* name): choose another`;
  return undefined;
}

/**
 * The profile of a request: the longest mapped folder path that contains it; outside them, the
 * root's entry ('' for the default client, NO_CLIENT for none).
 * @param location the request's path as pm.execution.location gives it: collection, folders, request
 */
export function profileFor(location: readonly string[] | undefined, map: Readonly<Record<string, string>>): string {
  const folders = (location ?? []).slice(1, -1);
  for (let depth = folders.length; depth > 0; depth--) {
    const profile = map[folders.slice(0, depth).join('/')];
    if (profile) return profile;
  }
  return map[''] ?? '';
}

/** The clients a collection's requests use, by its map: the default one unless the root has none, and each profile. */
export function clientsOf(map: Readonly<Record<string, string>>): string[] {
  const profiles = Object.values(map).filter((p) => p !== NO_CLIENT && p !== '');
  return [...new Set([...(map[''] === NO_CLIENT ? [] : ['']), ...profiles])];
}

export function parseProfiles(json: string | undefined): Record<string, string> {
  if (!json) return {};
  try {
    const map: unknown = JSON.parse(json);
    return map && typeof map === 'object' && !Array.isArray(map) ? (map as Record<string, string>) : {};
  } catch {
    return {};
  }
}

/** A team's own names for the default client's variables (variable-names.ts): ours → theirs. */
export type Renames = Readonly<Record<string, string>>;

// The script's renames for its one execution: the sandbox runs a fresh copy of the script for every
// request, which sets them once before reading any variable. Node code passes them as a value.
let scriptRenames: Renames = {};

/** For the script only: its collection's renames, before any variable is read. */
export function useVariableNames(map: Renames): void {
  scriptRenames = map;
}

/** The oauth2_* name a team's own name stands for (itself when it stands for none). */
export function ourVariable(name: string, renames: Renames = scriptRenames): string {
  return Object.keys(renames).find((ours) => renames[ours] === name) ?? name;
}

/** `oauth2_client_id` of profile `admin` is `oauth2_admin_client_id`; of the default client, itself or the team's name for it. */
export function profileVariable(name: string, profile: string, renames: Renames = scriptRenames): string {
  return profile ? variableName(name, profile) : (renames[name] ?? name);
}

/** A profile that sets one of these is a client of its own. */
const IDENTITY = [VARIABLES.clientId, VARIABLES.privateKey];
/** What proves a client's identity: never borrowed from another client. */
const CREDENTIALS: ReadonlySet<string> = new Set([
  VARIABLES.clientSecret,
  VARIABLES.clientAssertion,
  VARIABLES.privateKey,
  VARIABLES.keyId,
  VARIABLES.certificate,
  VARIABLES.certificateThumbprint,
]);

/** Whether a profile sets its own client id or key, and so must set its own secret or key. */
export function hasOwnClient(read: (name: string) => string | undefined, profile: string): boolean {
  return !!profile && IDENTITY.some((name) => read(profileVariable(name, profile)) !== undefined);
}

/**
 * A profile's variable, falling back to the unprefixed one for anything it does not set — but for
 * the credentials of a profile with its own client: one client's secret is never sent under
 * another's id.
 */
export function profileReader(
  read: (name: string) => string | undefined,
  profile: string,
  names: Renames = scriptRenames,
): (name: string) => string | undefined {
  // The team's name first; unset, our own: the CI secret store passes OAUTH2_CLIENT_SECRET whatever the environment files call it.
  const base = (name: string) => (names[name] === undefined ? read(name) : (read(names[name]) ?? read(name)));
  if (!profile) return base;
  const ownClient = hasOwnClient(read, profile);
  return (name) =>
    read(profileVariable(name, profile)) ?? (ownClient && CREDENTIALS.has(name) ? undefined : base(name));
}

/**
 * The name to show for a setting: the profile's own when the profile sets it (that is the value in
 * question), or for the credentials of a profile with its own client (they are never borrowed).
 */
export function profileNameOf(
  read: (name: string) => string | undefined,
  profile: string,
  renames: Renames = scriptRenames,
): (name: string) => string {
  const ownClient = hasOwnClient(read, profile);
  return (name) => {
    const own =
      !!profile && ((ownClient && CREDENTIALS.has(name)) || read(profileVariable(name, profile)) !== undefined);
    return profileVariable(name, own ? profile : '', renames);
  };
}

/** Each profile has its own token cache. */
export function cacheVariables(profile: string): Record<keyof typeof CACHE_VARIABLES, string> {
  const names = {} as Record<keyof typeof CACHE_VARIABLES, string>;
  for (const key of Object.keys(CACHE_VARIABLES) as Array<keyof typeof CACHE_VARIABLES>)
    names[key] = profileVariable(CACHE_VARIABLES[key], profile);
  return names;
}
