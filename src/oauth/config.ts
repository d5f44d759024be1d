import { OAuthError } from './errors.js';
import { parseExtraParams, type FormPair } from './form.js';
import { normaliseScope, splitWords } from './scope.js';
import { DEFAULT_CLIENT_AUTH, VARIABLES, type ConfigKey } from './vocabulary.js';
import { CLIENT_AUTH, CLIENT_AUTH_METHODS, type ClientAuthMethod, isClientAuthMethod } from './client-auth.js';

export { normaliseScope, splitWords };

export const ASSERTION_ALGS = ['RS256', 'PS256', 'ES256', 'HS256'] as const;
export type AssertionAlg = (typeof ASSERTION_ALGS)[number];

/** Everything that decides which token is requested, read from the `oauth2_*` variables. */
export interface TokenConfig {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** @default 'client_secret_basic' (RFC 6749 §2.3.1: servers must support it) */
  readonly clientAuth: ClientAuthMethod;
  /** Space-delimited, de-duplicated, in the order given (RFC 6749 §3.3). */
  readonly scope: string;
  readonly audience: string;
  /** RFC 8707 resource indicators; several are space-separated in the variable. */
  readonly resources: readonly string[];
  readonly extraParams: readonly FormPair[];
  /** Seconds before expiry to renew; undefined means the default. */
  readonly refreshMarginSeconds: number | undefined;
  /** @default 30 seconds */
  readonly tokenTimeoutMs: number;
  /** The JWT client authentication settings; empty strings for the secret-based methods. */
  readonly assertion: AssertionConfig;
  /** Sender-constrained tokens (RFC 9449): the key that signs the DPoP proofs; absent for Bearer tokens. */
  readonly dpop: DpopConfig | undefined;
}

export interface DpopConfig {
  /** PEM or private JWK, P-256 (ES256) or RSA (RS256, or PS256 when the JWK says so). */
  readonly privateKey: string;
}

export interface AssertionConfig {
  /** PEM or private JWK, for private_key_jwt. */
  readonly privateKey: string;
  readonly keyId: string;
  /** @default the token URL (Entra, Okta); some servers want their issuer identifier */
  readonly audience: string;
  /** @default from the key: a JWK's "alg", else RS256 for RSA and ES256 for P-256; HS256 for client_secret_jwt */
  readonly alg: AssertionAlg | '';
  /** @default 'JWT'; 'client-authentication+jwt' for servers that follow draft-ietf-oauth-rfc7523bis */
  readonly typ: string;
  /** Thumbprint of the certificate, hex: SHA-1 (40 digits) for x5t, or SHA-256 (64) for x5t#S256. */
  readonly certificateThumbprint: string;
  /** Or the certificate PEM, from which the thumbprint is computed. */
  readonly certificate: string;
  /** federated: the assertion as given (oauth2_client_assertion), the CI's ID token; '' when a source gives it. */
  readonly given: string;
  /** federated: where pm-oauth2 run reads the assertion (github, env:<VARIABLE>, file:<path>). */
  readonly federatedSource: string;
  /** federated: the audience to ask GitHub Actions for. */
  readonly federatedAudience: string;
}

/** Reads one variable, already resolved; undefined or '' when unset. */
export type VariableReader = (name: string) => string | undefined;

export const DEFAULT_TOKEN_TIMEOUT_SECONDS = 30;

const WHERE = 'set it in the active environment or the collection variables';

/**
 * Reads and checks the configuration, reporting every problem at once so a user fixes them in one go.
 * @param nameOf the name to show for a missing variable (a profile's own, for its credentials)
 * @throws OAuthError CONFIG_MISSING when a required variable is empty, CONFIG_INVALID when one is malformed
 */
export function readTokenConfig(
  read: VariableReader,
  whereToSet: (variable: string) => string = () => WHERE,
  nameOf: (variable: string) => string = (name) => name,
): TokenConfig {
  const missing: string[] = [];
  const invalid: string[] = [];
  const note = (list: string[], problem: string, fix: string): void => {
    list.push(`${problem} — ${fix}`);
  };
  const unresolved = new Set<string>();
  const raw = (name: string): string => {
    const text = read(name) ?? '';
    const reference = /\{\{\s*([^{}]+?)\s*\}\}/.exec(text);
    if (!reference) return text;
    unresolved.add(name);
    // Our own name first: in CI, OAUTH2_<PROFILE>_CLIENT_SECRET from the secret store is the usual fix.
    note(
      missing,
      `${nameOf(name)} refers to {{${reference[1]}}}, which is not set`,
      `${whereToSet(nameOf(name))}; or give {{${reference[1]}}} a value`,
    );
    return '';
  };
  const value = (key: ConfigKey): string => raw(VARIABLES[key]).trim();

  const required = (name: string, text: string, what: string): void => {
    if (!text && !unresolved.has(name))
      note(missing, `${nameOf(name)} is not set`, `${whereToSet(nameOf(name))} (${what})`);
  };

  const tokenUrl = value('tokenUrl');
  required(VARIABLES.tokenUrl, tokenUrl, 'the token endpoint, e.g. https://idp.example.com/oauth2/token');
  if (tokenUrl && !/^https?:\/\/[^\s/?#]+/i.test(tokenUrl)) {
    note(
      invalid,
      `${VARIABLES.tokenUrl} is not an http(s) URL`,
      'write the full token endpoint URL, starting with https://',
    );
  } else if (hasUserinfo(tokenUrl)) {
    note(
      invalid,
      `${VARIABLES.tokenUrl} carries a user name or password before its host (${withoutUserinfo(tokenUrl)})`,
      `take it out: the client's credentials go in ${VARIABLES.clientId} and ${VARIABLES.clientSecret}, and a URL is printed in logs and reports`,
    );
  } else if (isPlainHttpToAnotherHost(tokenUrl) && value('allowInsecureHttp').toLowerCase() !== 'true') {
    note(
      invalid,
      `${VARIABLES.tokenUrl} is plain http to another machine (${tokenUrl}), so the client credentials would cross the network in clear`,
      `use https; only on a network you trust, set ${VARIABLES.allowInsecureHttp}=true`,
    );
  }

  const clientId = value('clientId');
  required(VARIABLES.clientId, clientId, 'the client id of the OAuth2 application');

  const clientAuth = (value('clientAuth') || DEFAULT_CLIENT_AUTH) as ClientAuthMethod;
  const method = isClientAuthMethod(clientAuth) ? CLIENT_AUTH[clientAuth] : undefined;
  if (!method) {
    note(invalid, `${VARIABLES.clientAuth} is "${clientAuth}"`, `use one of ${CLIENT_AUTH_METHODS.join(', ')}`);
  }

  const clientSecret = raw(VARIABLES.clientSecret);
  if (method?.secret) {
    required(
      VARIABLES.clientSecret,
      clientSecret,
      `in CI, from the secret store; for a public client set ${VARIABLES.clientAuth}=none`,
    );
  }
  const privateKey = raw(VARIABLES.privateKey).trim();
  if (method?.assertion === 'key')
    required(
      VARIABLES.privateKey,
      privateKey,
      'the PEM or private JWK of the key registered for this client; in CI, from the secret store',
    );
  const given = raw(VARIABLES.clientAssertion).trim();
  const federatedSource = value('federatedSource');
  if (method?.assertion === 'given' && !given && !federatedSource && !unresolved.has(VARIABLES.clientAssertion))
    note(
      missing,
      `${nameOf(VARIABLES.clientAssertion)} is not set`,
      `${whereToSet(nameOf(VARIABLES.clientAssertion))} (the CI's ID token), or with pm-oauth2 run set ${VARIABLES.federatedSource} to github, env:<VARIABLE> or file:<path>`,
    );
  if (federatedSource && !FEDERATED_SOURCE.test(federatedSource))
    note(
      invalid,
      `${VARIABLES.federatedSource} is "${federatedSource}"`,
      'write one of github, env:<VARIABLE> (GitLab id_tokens) or file:<path> (Kubernetes, SPIFFE)',
    );
  const alg = value('assertionAlg').toUpperCase() as AssertionAlg | '';
  if (alg && !ASSERTION_ALGS.includes(alg as AssertionAlg))
    note(
      invalid,
      `${VARIABLES.assertionAlg} is "${alg}"`,
      `use one of ${ASSERTION_ALGS.join(', ')}, or leave it empty to take it from the key`,
    );

  const typ = value('assertionTyp');
  if (typ && !/^[A-Za-z0-9!#$&^_.+-]+(\/[A-Za-z0-9!#$&^_.+-]+)?$/.test(typ))
    note(
      invalid,
      `${VARIABLES.assertionTyp} is "${typ}"`,
      'write a media type such as client-authentication+jwt, or leave it empty for JWT',
    );

  const dpop = value('dpop').toLowerCase();
  if (dpop && dpop !== 'true' && dpop !== 'false')
    note(
      invalid,
      `${VARIABLES.dpop} is "${dpop}"`,
      'write true for DPoP-bound tokens (RFC 9449), or false (or nothing) for Bearer tokens',
    );
  const dpopKey = raw(VARIABLES.dpopKey).trim();
  if (dpop === 'true')
    required(
      VARIABLES.dpopKey,
      dpopKey,
      'the PEM or private JWK that signs the DPoP proofs: `pm-oauth2 dpop-key` prints a fresh one, and pm-oauth2 run makes one per run when none is set',
    );

  const refreshMarginSeconds = readSeconds(value('refreshMargin'), VARIABLES.refreshMargin, 0, invalid);
  // A timer of 2^31 ms or more fires at once (it overflows): an hour is more than any token endpoint needs.
  const timeoutSeconds = readSeconds(
    value('tokenTimeout'),
    VARIABLES.tokenTimeout,
    0.001,
    invalid,
    MAX_TOKEN_TIMEOUT_SECONDS,
  );

  let extraParams: readonly FormPair[] = [];
  try {
    extraParams = parseExtraParams(value('extraParams'), VARIABLES.extraParams);
  } catch (error) {
    note(invalid, (error as OAuthError).message, (error as OAuthError).advice);
  }
  const overriding = reservedExtraParams(extraParams, {
    scope: value('scope'),
    audience: value('audience'),
    resource: value('resource'),
  });
  if (overriding.length) {
    note(
      invalid,
      `${VARIABLES.extraParams} sets ${overriding.map(([name]) => name).join(', ')}, which pm-oauth2 sets itself`,
      overriding.map(([, fix]) => fix).join('; '),
    );
  }

  if (missing.length || invalid.length) {
    const code = missing.length ? 'CONFIG_MISSING' : 'CONFIG_INVALID';
    const problems = [...missing, ...invalid];
    throw new OAuthError(code, problems.join('; '), '', { problems });
  }
  return {
    tokenUrl,
    clientId,
    clientSecret,
    clientAuth,
    scope: normaliseScope(value('scope')),
    audience: value('audience'),
    resources: splitWords(value('resource')),
    extraParams,
    refreshMarginSeconds,
    tokenTimeoutMs: (timeoutSeconds ?? DEFAULT_TOKEN_TIMEOUT_SECONDS) * 1000,
    assertion: {
      privateKey,
      alg,
      keyId: value('keyId'),
      typ,
      audience: value('assertionAudience'),
      certificateThumbprint: value('certificateThumbprint'),
      certificate: raw(VARIABLES.certificate).trim(),
      given,
      federatedSource,
      federatedAudience: value('federatedAudience'),
    },
    dpop: dpop === 'true' ? { privateKey: dpopKey } : undefined,
  };
}

/** Where pm-oauth2 run can read a federated assertion (runner/federated/assertion-source.ts parses it). */
const FEDERATED_SOURCE = /^(github|env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$/;

const LOOPBACK_URL = /^http:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?([/?#]|$)/i;

/** `https://user:password@host/…`: credentials in a URL's userinfo (RFC 3986 §3.2.1). */
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)[^@/?#]*@/i;

export function hasUserinfo(url: string): boolean {
  return USERINFO.test(url);
}

/** The URL with its userinfo masked, for a message: `https://***@host/token`. */
export function withoutUserinfo(url: string): string {
  return url.replace(USERINFO, '$1***@');
}

/** Plain http leaves the machine unless the host is a loopback name or address. */
export function isPlainHttpToAnotherHost(tokenUrl: string): boolean {
  return /^http:/i.test(tokenUrl) && !LOOPBACK_URL.test(tokenUrl);
}

/** The longest oauth2_token_timeout taken, in seconds. */
export const MAX_TOKEN_TIMEOUT_SECONDS = 3600;

function readSeconds(
  text: string,
  variable: string,
  min: number,
  invalid: string[],
  max = Infinity,
): number | undefined {
  if (text === '') return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds) && seconds >= min && seconds <= max) return seconds;
  invalid.push(
    Number.isFinite(seconds) && seconds > max
      ? `${variable} is ${text} seconds, more than the ${max} it takes — write a number such as 30`
      : `${variable} is "${text}", not a number of seconds — write a number such as 30`,
  );
  return undefined;
}

/** What identifies the client and the grant: never from oauth2_extra_params, which would send a second one. */
const CLIENT_PARAMS = ['grant_type', 'client_id', 'client_secret', 'client_assertion', 'client_assertion_type'];

/**
 * Extra parameters that would override or duplicate what the request already says: the client's
 * identity and grant always; scope, audience and resource when their own variable is set too.
 */
function reservedExtraParams(
  params: readonly FormPair[],
  own: Readonly<Record<'scope' | 'audience' | 'resource', string>>,
): Array<[name: string, fix: string]> {
  const found = new Map<string, string>();
  for (const [name] of params) {
    if (CLIENT_PARAMS.includes(name))
      found.set(
        name,
        `${name} comes from ${VARIABLES.clientId}, ${VARIABLES.clientSecret} and ${VARIABLES.clientAuth}: take it out of ${VARIABLES.extraParams}`,
      );
    const variable = (VARIABLES as Record<string, string>)[name];
    if ((name === 'scope' || name === 'audience' || name === 'resource') && own[name] && variable)
      found.set(name, `${name} is set by ${variable} already: keep one of the two`);
  }
  return [...found];
}
