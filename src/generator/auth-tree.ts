// Walks the folders and requests below the root: makes `inherit` mean inheritance, converts Postman
// OAuth 2.0 client credentials settings, and lists what keeps its own auth.
import { bearerProfile } from '../oauth/vocabulary.js';
import { authParams, isFolder, type Auth, type Item } from './collection-types.js';
import { grantTypeOf, importClientCredentials, isOAuth2, type ImportedOAuth2 } from './oauth2-import.js';

export interface AuthTreeReport {
  /** Folders and requests that keep an auth of their own, as `Folder/Request (type)`. */
  readonly ownAuth: string[];
  /** Client credentials settings found on folders, in document order. */
  readonly imported: ImportedOAuth2[];
  /** Folders with OAuth 2.0 settings of another grant, which the script does not run. */
  readonly otherGrants: string[];
  readonly warnings: string[];
}

export function normaliseAuthTree(items: Item[], collectionName: string): AuthTreeReport {
  const report = {
    ownAuth: [] as string[],
    imported: [] as ImportedOAuth2[],
    otherGrants: [] as string[],
    warnings: [] as string[],
  };
  walk(items, [], collectionName, report);
  return report;
}

function walk(items: Item[], path: string[], collectionName: string, report: AuthTreeReport): void {
  for (const item of items) {
    const here = [...path, item.name ?? '(unnamed)'];
    normaliseItemAuth(item, here.join('/'), collectionName, report);
    if (Array.isArray(item.item)) walk(item.item, here, collectionName, report);
  }
}

/** A folder keeps its auth on the item, a request on its request (v2.1). */
function authHolder(item: Item): { auth?: Auth | null } | undefined {
  if (isFolder(item)) return item;
  return item.request && typeof item.request === 'object' ? (item.request as { auth?: Auth | null }) : undefined;
}

function normaliseItemAuth(item: Item, where: string, collectionName: string, report: AuthTreeReport): void {
  const holder = authHolder(item);
  const auth = holder?.auth;
  // Newman sends no auth at all for {"type": "inherit"}; a missing auth inherits.
  if (holder && (auth === null || auth?.type === 'inherit')) {
    delete holder.auth;
    return;
  }
  if (!auth || isOurBearer(auth)) return;
  if (isOAuth2(auth) && isFolder(item)) {
    const grant = grantTypeOf(auth);
    if (grant === 'client_credentials') {
      report.imported.push({ ...importClientCredentials(auth, `${collectionName}: folder "${where}"`), folder: where });
      delete holder?.auth;
      return;
    }
    report.otherGrants.push(where);
    report.warnings.push(
      `${collectionName}: folder "${where}" uses OAuth 2.0 with the ${grant} grant, which pm-oauth2 does not run; it was left as it is`,
    );
  }
  report.ownAuth.push(`${where} (${auth.type})`);
}

/** A Bearer of one of our token variables (a profile's folder): it does get a token. */
function isOurBearer(auth: Auth): boolean {
  const token = authParams(auth).get('token');
  return auth.type === 'bearer' && bearerProfile(token) !== undefined;
}
