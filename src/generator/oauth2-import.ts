// Turns Postman's own OAuth 2.0 settings (the Authorization tab), which Newman cannot use, into the
// oauth2_* variables our script reads.
import { formEncode, type FormPair } from '../oauth/form.js';
import { VARIABLES } from '../oauth/vocabulary.js';
import { authParams, type Auth } from './collection-types.js';

export interface ImportedOAuth2 {
  /** oauth2_* variable values; `{{references}}` are kept as references. */
  readonly variables: Record<string, string>;
  readonly warnings: string[];
  /** The folder (names joined by "/") whose settings these are; absent for the collection's. */
  readonly folder?: string;
}

const CLIENT_AUTH: Readonly<Record<string, string>> = { header: 'client_secret_basic', body: 'client_secret_post' };
const REFERENCE = /^\s*\{\{[^{}]+\}\}\s*$/;

export function isOAuth2(auth: Auth): boolean {
  return auth.type === 'oauth2';
}

/** Postman's default grant type, when the export does not say, is the authorization code. */
export function grantTypeOf(auth: Auth): string {
  const grant = authParams(auth).get('grant_type');
  return typeof grant === 'string' && grant ? grant : 'authorization_code';
}

/**
 * Reads a client credentials configuration. A literal secret is never copied: it would end up in
 * the built collection, which is committed and shared; the warning says where to put it instead.
 */
export function importClientCredentials(auth: Auth, where: string): ImportedOAuth2 {
  const params = authParams(auth);
  const text = (key: string): string => (typeof params.get(key) === 'string' ? String(params.get(key)).trim() : '');
  const variables: Record<string, string> = {};
  const warnings: string[] = [];
  const set = (name: string, value: string): void => {
    if (value) variables[name] = value;
  };
  set(VARIABLES.tokenUrl, text('accessTokenUrl'));
  set(VARIABLES.clientId, text('clientId'));
  set(VARIABLES.scope, text('scope'));
  set(VARIABLES.clientAuth, CLIENT_AUTH[text('client_authentication')] ?? '');
  const secret = text('clientSecret');
  if (REFERENCE.test(secret)) set(VARIABLES.clientSecret, secret);
  else if (secret)
    warnings.push(
      `${where}: the OAuth 2.0 settings hold a literal client secret; it was not copied into the build — set ${VARIABLES.clientSecret} in the environment (in CI: export OAUTH2_CLIENT_SECRET from the secret store)`,
    );
  const extra = importTokenRequestParams(params.get('tokenRequestParams'), where, warnings);
  set(VARIABLES.audience, extra.audience);
  set(VARIABLES.resource, extra.resources.join(' '));
  set(
    VARIABLES.extraParams,
    extra.others.map(([name, value]) => `${encodeKeepingReferences(name)}=${encodeKeepingReferences(value)}`).join('&'),
  );
  return { variables, warnings };
}

interface TokenRequestParam {
  key?: unknown;
  value?: unknown;
  enabled?: boolean;
  send_as?: string;
}

function importTokenRequestParams(list: unknown, where: string, warnings: string[]) {
  const result = { audience: '', resources: [] as string[], others: [] as FormPair[] };
  for (const param of Array.isArray(list) ? (list as TokenRequestParam[]) : []) {
    if (param.enabled === false || typeof param.key !== 'string' || !param.key) continue;
    const value = typeof param.value === 'string' ? param.value : String(param.value ?? '');
    if (param.send_as && param.send_as !== 'request_body') {
      warnings.push(
        `${where}: the token request parameter "${param.key}" is sent as ${param.send_as}, which pm-oauth2 cannot do; it was left out — send it in the body (${VARIABLES.extraParams}) if the server accepts that`,
      );
    } else if (param.key === 'audience') result.audience = value;
    else if (param.key === 'resource') result.resources.push(value);
    else result.others.push([param.key, value]);
  }
  return result;
}

/** Form-encodes a value but its `{{references}}`, which the script resolves before decoding. */
function encodeKeepingReferences(text: string): string {
  return text
    .split(/(\{\{[^{}]+\}\})/)
    .map((part) => (part.startsWith('{{') ? part : formEncode(part)))
    .join('');
}
