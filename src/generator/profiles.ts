// Maps folders to credential profiles: each mapped folder gets Bearer {{oauth2_<profile>_access_token}};
// the script finds the profile of a request from the map in the collection variable oauth2_profiles.
import { CACHE_VARIABLES, VARIABLES } from '../oauth/vocabulary.js';
import { profileVariable } from '../oauth/profiles.js';
import { NO_CLIENT, PROFILES_VARIABLE } from '../oauth/vocabulary.js';
import type { Auth, CollectionVariable, Item } from './collection-types.js';

export interface ProfileMapping {
  /** The folders found, in the configuration's order. */
  readonly map: Record<string, string>;
}

export function applyFolderProfiles(items: Item[], folderProfiles: Readonly<Record<string, string>>): ProfileMapping {
  const folders = new Map<string, Item>();
  collectFolders(items, [], folders);
  const map: Record<string, string> = {};
  for (const [path, profile] of Object.entries(folderProfiles)) {
    const folder = folders.get(path);
    if (!folder) continue;
    folder.auth = profileBearer(profile);
    map[path] = profile;
  }
  return { map };
}

function collectFolders(items: Item[], path: string[], out: Map<string, Item>): void {
  for (const item of items) {
    if (!Array.isArray(item.item)) continue;
    const here = [...path, item.name ?? ''];
    out.set(here.join('/'), item);
    collectFolders(item.item, here, out);
  }
}

/** The Bearer auth that sends the token a variable holds. */
export function bearerAuth(tokenVariable: string): Auth {
  return { type: 'bearer', bearer: [{ key: 'token', value: `{{${tokenVariable}}}`, type: 'string' }] };
}

export function profileBearer(profile: string): Auth {
  return bearerAuth(profileVariable(CACHE_VARIABLES.accessToken, profile));
}

/** The map, and for each profile the variables Postman's UI should show. */
export function profileVariables(map: Readonly<Record<string, string>>): CollectionVariable[] {
  if (!Object.keys(map).length) return [];
  const profiles = [...new Set(Object.values(map))].filter((p) => p !== NO_CLIENT);
  return [
    { key: PROFILES_VARIABLE, value: JSON.stringify(map), type: 'string' },
    ...profiles.flatMap((p) =>
      [VARIABLES.clientId, VARIABLES.clientSecret, VARIABLES.scope].map((v) => ({
        key: profileVariable(v, p),
        value: '',
        type: 'string',
      })),
    ),
  ];
}
