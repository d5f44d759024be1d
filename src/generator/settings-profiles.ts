// Several OAuth 2.0 settings in one collection (an "Application" folder with client credentials beside
// a "Delegated" one with authorization code, or two partners' clients): each folder's client
// credentials become a credential profile of its own, filled from that folder's settings, instead of
// the first settings filling the variables every request uses.
import { profileNameProblem, profileVariable } from '../oauth/profiles.js';
import type { ImportedOAuth2 } from './oauth2-import.js';

export interface SettingsProfiles {
  /** Folder path → profile, for the folders whose settings became a profile. */
  readonly map: Record<string, string>;
  /** The profiles' variables, `oauth2_<profile>_*`, with the folders' values. */
  readonly variables: Record<string, string>;
  /** The imports that fill the default (unprefixed) variables. */
  readonly defaults: ImportedOAuth2[];
}

/**
 * @param configured the configuration's folder → profile map: a folder it names keeps that profile
 * @param otherGrants folders with OAuth 2.0 settings of another grant
 */
export function profilesForSettings(
  imported: readonly ImportedOAuth2[],
  otherGrants: readonly string[],
  configured: Readonly<Record<string, string>>,
): SettingsProfiles {
  const folders = imported.filter((i) => i.folder !== undefined);
  // One setting in the whole collection fills the default variables, as it always has.
  if (imported.length + otherGrants.length <= 1 || !folders.length)
    return { map: {}, variables: {}, defaults: [...imported] };
  const taken = new Set(Object.values(configured));
  const map: Record<string, string> = {};
  const variables: Record<string, string> = {};
  for (const settings of folders) {
    const folder = settings.folder ?? '';
    const profile = configured[folder] ?? uniqueName(folder, taken);
    taken.add(profile);
    map[folder] = profile;
    for (const [name, value] of Object.entries(settings.variables)) variables[profileVariable(name, profile)] = value;
  }
  return { map, variables, defaults: imported.filter((i) => i.folder === undefined) };
}

/** "Partners/Acme Corp" → "acmecorp": the last folder name, in the form profile names take. */
function uniqueName(folder: string, taken: ReadonlySet<string>): string {
  const last = folder.split('/').pop() ?? '';
  let base = last
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 28);
  if (!/^[a-z]/.test(base)) base = `p${base}`;
  let name = base;
  for (let n = 2; taken.has(name) || profileNameProblem(name); n++) name = `${base}${n}`;
  return name;
}
