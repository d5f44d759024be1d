// The names pm-oauth2 owns, in one place: its variables and how a profile's name is made from
// them, which of them hold secrets, the ids it gives its scripts, the scheme of a blocked request.
// Shared by the sandbox script, the generator and the runner: what the script does not use is
// left out of its bundle.

/**
 * The variable names users put in their environments: the public interface. Never rename one.
 */
export const VARIABLES = {
  tokenUrl: 'oauth2_token_url',
  clientId: 'oauth2_client_id',
  clientSecret: 'oauth2_client_secret',
  clientAuth: 'oauth2_client_auth',
  scope: 'oauth2_scope',
  audience: 'oauth2_audience',
  resource: 'oauth2_resource',
  extraParams: 'oauth2_extra_params',
  refreshMargin: 'oauth2_refresh_margin',
  tokenTimeout: 'oauth2_token_timeout',
  privateKey: 'oauth2_private_key',
  keyId: 'oauth2_key_id',
  assertionAudience: 'oauth2_assertion_audience',
  assertionAlg: 'oauth2_assertion_alg',
  /** The assertion's typ header: JWT by default; client-authentication+jwt for servers that follow RFC 7523's update. */
  assertionTyp: 'oauth2_assertion_typ',
  certificateThumbprint: 'oauth2_certificate_thumbprint',
  certificate: 'oauth2_certificate',
  retryOn401: 'oauth2_retry_on_401',
  /** `true`: sender-constrained tokens (RFC 9449), a DPoP proof with every token and API request. */
  dpop: 'oauth2_dpop',
  /** The DPoP private key, PEM or JWK: a secret, like oauth2_private_key. */
  dpopKey: 'oauth2_dpop_key',
  allowInsecureHttp: 'oauth2_allow_insecure_http',
  /** federated: the assertion itself, the CI's ID token — a secret; the only source the sandbox can read. */
  clientAssertion: 'oauth2_client_assertion',
  /** federated: where pm-oauth2 run reads the assertion — github, env:<VARIABLE> or file:<path>. */
  federatedSource: 'oauth2_federated_source',
  /** federated: the audience pm-oauth2 run asks GitHub Actions for (default api://AzureADTokenExchange). */
  federatedAudience: 'oauth2_federated_audience',
} as const;

/** Marks the request being sent again after a 401, as `<request id>:<iteration>`, so it is retried once only. */
export const RETRY_MARKER = 'oauth2_retrying_request';

/** What the script writes: the token cache. */
export const CACHE_VARIABLES = {
  accessToken: 'oauth2_access_token',
  expiresAt: 'oauth2_expires_at',
  issuedAt: 'oauth2_token_issued_at',
  fingerprint: 'oauth2_token_fingerprint',
  /** The last failure for the configuration of the fingerprint, while it cools down (breaker.ts). */
  failure: 'oauth2_token_failure',
} as const;

/** The servers' latest DPoP nonces (RFC 9449 §8, §9), `{"<origin>": "<nonce>"}`: shared by every client of a run. */
export const DPOP_NONCES_VARIABLE = 'oauth2_dpop_nonces';

export type ConfigKey = keyof typeof VARIABLES;

/** The name of the failing test a failed token fetch records: fixed, so CI reports group it. */
export const FAILURE_TEST_NAME = 'pm-oauth2: access token';

/** RFC 6749 §2.3.1: servers must support it. */
export const DEFAULT_CLIENT_AUTH = 'client_secret_basic';

/** Collection variable holding `{"<folder path>": "<profile>"}`, written by the generator (profiles.ts). */
export const PROFILES_VARIABLE = 'oauth2_profiles';

/** Collection variable holding a team's own names for the default client's variables (variable-names.ts). */
export const NAMES_VARIABLE = 'oauth2_variable_names';

/**
 * In oauth2_profiles, the entry for the collection's root (key '') when the requests outside the
 * mapped folders get no token: a collection with no auth of its own and client credentials on
 * folders only. Not a profile name, so no variable is ever made from it.
 */
export const NO_CLIENT = '-';

/** A profile's name: no `_`, so `oauth2_<profile>_<rest>` reads one way only. */
export const PROFILE_NAME = /^[a-z][a-z0-9]{0,31}$/;

const PREFIX = 'oauth2_';

/**
 * Every base name, and whether its value is a secret: a credential, a key, a token, or the
 * fingerprint (a hash of the secret). A profile's variable is as secret as its base name's.
 */
const BASE_NAMES: Readonly<Record<string, { readonly secret: boolean }>> = {
  ...Object.fromEntries(Object.values(VARIABLES).map((name) => [name, { secret: false }])),
  ...Object.fromEntries(Object.values(CACHE_VARIABLES).map((name) => [name, { secret: false }])),
  [VARIABLES.clientSecret]: { secret: true },
  [VARIABLES.privateKey]: { secret: true },
  [VARIABLES.dpopKey]: { secret: true },
  [VARIABLES.clientAssertion]: { secret: true },
  [CACHE_VARIABLES.accessToken]: { secret: true },
  [CACHE_VARIABLES.fingerprint]: { secret: true },
};

const isBaseName = (name: string): boolean =>
  // biome-ignore lint/suspicious/noPrototypeBuiltins: not Object.hasOwn, which the sandbox of Newman 5 predates
  Object.prototype.hasOwnProperty.call(BASE_NAMES, name);

/** An oauth2_* variable split into its profile ('' for the default client) and base name. */
export interface OurVariable {
  readonly profile: string;
  readonly base: string;
}

/** `oauth2_admin_client_id` → admin + oauth2_client_id; `oauth2_client_id` → '' + itself; any other name → undefined. */
export function parseVariable(name: string): OurVariable | undefined {
  if (isBaseName(name)) return { profile: '', base: name };
  if (!name.startsWith(PREFIX)) return undefined;
  const end = name.indexOf('_', PREFIX.length);
  if (end < 0) return undefined;
  const profile = name.slice(PREFIX.length, end);
  const base = PREFIX + name.slice(end + 1);
  return PROFILE_NAME.test(profile) && isBaseName(base) ? { profile, base } : undefined;
}

/** Whether a name is in the namespace pm-oauth2 keeps for itself (oauth2_*), known today or not: no team's own name may be. */
export function inOurNamespace(name: string): boolean {
  return name.startsWith(PREFIX);
}

/** `OAUTH2_CLIENT_SECRET` (a CI secret, a process environment variable) → `oauth2_client_secret`. */
export function variableNameFor(environmentName: string): string | undefined {
  return /^OAUTH2_[A-Z0-9_]+$/.test(environmentName) ? environmentName.toLowerCase() : undefined;
}

/** The inverse of variableNameFor: the name to export in CI. */
export function environmentNameFor(variable: string): string {
  return variable.toUpperCase();
}

/** The inverse of parseVariable: oauth2_client_id of profile admin is oauth2_admin_client_id. */
export function variableName(base: string, profile: string): string {
  return profile ? PREFIX + profile + base.slice(PREFIX.length - 1) : base;
}

/** Whether a variable is one of ours with this base name, for the default client or any profile. */
export function isVariable(name: string, base: string): boolean {
  return parseVariable(name)?.base === base;
}

/**
 * Any other variable whose name says it holds a credential (a team's own `ClientSecret`,
 * `api_password`, `refreshToken`). The token words only at the end: `accessTokenUrl` is a URL.
 */
const SECRET_BY_NAME = /secret|password|(private_?key|dpop_key|access_?token|refresh_?token|client_assertion)$/i;

/** Whether a variable's value is a secret: ours by the table above, any other by its name. */
export function isSecretVariable(name: string): boolean {
  const ours = parseVariable(name);
  return ours ? (BASE_NAMES[ours.base]?.secret ?? false) : SECRET_BY_NAME.test(name);
}

/** The profile whose token a `{{oauth2_<profile>_access_token}}` Bearer sends ('' for the default client), if one of ours. */
export function bearerProfile(token: unknown): string | undefined {
  const reference = typeof token === 'string' ? /^\{\{([^{}]+)\}\}$/.exec(token)?.[1] : undefined;
  const ours = reference === undefined ? undefined : parseVariable(reference);
  return ours?.base === CACHE_VARIABLES.accessToken ? ours.profile : undefined;
}

/** Recognises our script in a built collection, so a rebuild replaces it instead of adding another. */
export const SCRIPT_ID = 'pm-oauth2-prerequest';
/** The same script as the collection's first test script: it renews and retries after a 401. */
export const TEST_SCRIPT_ID = 'pm-oauth2-test';

/** The script variants, named in each one's banner: the small one, and the one that signs (JWT client auth, DPoP). */
export const SCRIPT_VARIANTS = { secret: 'secret', jwt: 'jwt' } as const;
export type ScriptVariant = keyof typeof SCRIPT_VARIANTS;
/** The banner line that names a script's variant. */
export function variantLine(variant: ScriptVariant): string {
  return `// Variant: ${SCRIPT_VARIANTS[variant]}.`;
}

/**
 * A built script's variant, read from its banner (the first lines of the script). Scripts built
 * before the variant line are told apart by the JWT variant listing private_key_jwt.
 */
export function scriptVariantOf(banner: string): ScriptVariant {
  if (banner.includes(variantLine('jwt'))) return 'jwt';
  if (banner.includes(variantLine('secret'))) return 'secret';
  return banner.includes('private_key_jwt') ? 'jwt' : 'secret';
}

/** A scheme no engine speaks: a request pointed at it fails at once ("Invalid protocol"), before any connection. */
export const BLOCKED_SCHEME = 'pm-oauth2-no-token';
/**
 * Where a request goes when it may not go out, so the API never sees it. Shared by the sandbox
 * script and the runner's in-process auth.
 */
export const BLOCKED_URL = `${BLOCKED_SCHEME}://request-blocked-by-pm-oauth2/`;
