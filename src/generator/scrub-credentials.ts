// Literal credentials never reach a built collection, which is committed and shared: every auth of
// every folder and request is searched, whatever its type, and a literal secret or cached token is
// emptied with a warning that names where it was. `{{references}}` stay: they hold no secret.
import { isFolder, type Auth, type AuthParam, type Item } from './collection-types.js';

/** Postman's auth params that hold a secret or a token, by auth type (the collection v2.1 schema). */
const CREDENTIAL_PARAMS: Readonly<Record<string, readonly string[]>> = {
  oauth2: ['clientSecret', 'password', 'accessToken', 'refreshToken', 'id_token', 'idToken'],
  oauth1: ['consumerSecret', 'tokenSecret', 'token'],
  basic: ['password'],
  digest: ['password'],
  ntlm: ['password'],
  bearer: ['token'],
  apikey: ['value'],
  awsv4: ['secretKey', 'sessionToken'],
  hawk: ['authKey'],
  akamai: ['clientSecret', 'accessToken', 'clientToken'],
  jwt: ['secret', 'privateKey'],
  asap: ['privateKey'],
  edgegrid: ['clientSecret', 'accessToken', 'clientToken'],
};

const REFERENCE = /^\s*(\{\{[^{}]+\}\}\s*)+$/;

/** Empties literal credentials in the auth of every folder and request below the root; returns one warning per auth. */
export function scrubLiteralCredentials(items: Item[], collectionName: string, path: string[] = []): string[] {
  const warnings: string[] = [];
  for (const item of items) {
    const here = [...path, item.name ?? '(unnamed)'];
    const holder = isFolder(item)
      ? item
      : item.request && typeof item.request === 'object'
        ? (item.request as { auth?: Auth | null })
        : undefined;
    const emptied = holder?.auth ? scrubAuth(holder.auth) : [];
    if (emptied.length) {
      warnings.push(
        `${collectionName}: ${isFolder(item) ? 'folder' : 'request'} "${here.join('/')}" held a literal ${emptied.join(', ')} in its ${holder?.auth?.type} auth; emptied in the build — put it in a {{variable}} set in the environment (in CI, from the secret store)`,
      );
    }
    if (Array.isArray(item.item)) warnings.push(...scrubLiteralCredentials(item.item, collectionName, here));
  }
  return warnings;
}

/** @returns the params that were emptied */
function scrubAuth(auth: Auth): string[] {
  const names = CREDENTIAL_PARAMS[auth.type] ?? [];
  const params = auth[auth.type];
  if (!Array.isArray(params)) return [];
  const emptied: string[] = [];
  for (const param of params as AuthParam[]) {
    if (
      !param ||
      !names.includes(param.key) ||
      typeof param.value !== 'string' ||
      param.value === '' ||
      REFERENCE.test(param.value)
    )
      continue;
    param.value = '';
    emptied.push(param.key);
  }
  return emptied;
}
