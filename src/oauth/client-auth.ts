// Client authentication as data: one row per method says what the client needs and what the token
// request carries. A new method is one row here (and its server-side test), not a branch in every
// module that asks "does this method send a secret?".
import { DEFAULT_CLIENT_AUTH, VARIABLES } from './vocabulary.js';

/** How a method proves the client to the token endpoint. */
export interface ClientAuthMethodInfo {
  /** Needs oauth2_client_secret: sent (Basic, or in the body) or the HMAC key of the assertion. */
  readonly secret: boolean;
  /**
   * What the token request carries besides the grant: `basic` the id and secret in the
   * Authorization header (RFC 6749 §2.3.1); `form` both in the body; `id` the client id only (a
   * public client, or one the TLS certificate proves); `assertion` the id and a JWT (RFC 7523 §2.2).
   */
  readonly sends: 'basic' | 'form' | 'id' | 'assertion';
  /** For `assertion`: signed here with the secret (HS256) or the private key, or given as it is (the CI's ID token). */
  readonly assertion?: 'secret' | 'key' | 'given';
  /** RFC 8705: the TLS client certificate proves the client, matched by its subject or as itself. */
  readonly certificate?: 'subject' | 'self-signed';
  /** The other place for the same secret, which a server that refuses one may take (doctor tries it). */
  readonly otherPlacement?: string;
}

const rows = {
  client_secret_basic: { secret: true, sends: 'basic', otherPlacement: 'client_secret_post' },
  client_secret_post: { secret: true, sends: 'form', otherPlacement: 'client_secret_basic' },
  client_secret_jwt: { secret: true, sends: 'assertion', assertion: 'secret' },
  private_key_jwt: { secret: false, sends: 'assertion', assertion: 'key' },
  tls_client_auth: { secret: false, sends: 'id', certificate: 'subject' },
  self_signed_tls_client_auth: { secret: false, sends: 'id', certificate: 'self-signed' },
  none: { secret: false, sends: 'id' },
  federated: { secret: false, sends: 'assertion', assertion: 'given' },
} as const satisfies Record<string, ClientAuthMethodInfo>;

export type ClientAuthMethod = keyof typeof rows;

export const CLIENT_AUTH: { readonly [method in ClientAuthMethod]: ClientAuthMethodInfo } = rows;

export const CLIENT_AUTH_METHODS = /* @__PURE__ */ Object.keys(rows) as readonly ClientAuthMethod[];

export function isClientAuthMethod(value: string): value is ClientAuthMethod {
  return (CLIENT_AUTH_METHODS as readonly string[]).includes(value);
}

/** The method's row; an unknown method (refused when the configuration is read) is treated as the default. */
export function clientAuthOf(method: string): ClientAuthMethodInfo {
  return isClientAuthMethod(method) ? CLIENT_AUTH[method] : CLIENT_AUTH[DEFAULT_CLIENT_AUTH];
}

/** Whether the method signs an assertion here (with the secret or the key): it needs the script's signing variant. */
export function signsAssertion(method: string): boolean {
  const assertion = isClientAuthMethod(method) ? CLIENT_AUTH[method].assertion : undefined;
  return assertion === 'secret' || assertion === 'key';
}

/** Whether the method sends an assertion it is given (the CI's ID token: oauth2_client_assertion or a federated source). */
export function usesGivenAssertion(method: string): boolean {
  return isClientAuthMethod(method) && CLIENT_AUTH[method].assertion === 'given';
}

/** What to check when the server refuses the client and gives no reason: what this method sent. */
export function credentialsToCheck(method: string): string {
  const info = clientAuthOf(method);
  if (info.assertion === 'key')
    return `check that ${VARIABLES.privateKey} (and ${VARIABLES.keyId}) is the key registered for ${VARIABLES.clientId}`;
  if (info.assertion === 'secret')
    return `check ${VARIABLES.clientId} and ${VARIABLES.clientSecret} (the secret signs the assertion)`;
  if (info.assertion === 'given')
    return `check that ${VARIABLES.clientId} has a federated credential for this token's issuer, subject and audience`;
  if (info.certificate)
    return `check that the client certificate sent to the token endpoint is the one registered for ${VARIABLES.clientId}`;
  if (!info.secret) return `check that ${VARIABLES.clientId} is a public client the server knows`;
  return `check ${VARIABLES.clientId} and ${VARIABLES.clientSecret}; a secret with reserved characters over Basic fails at servers that do not decode it (glewlwyd, Authlib): try ${VARIABLES.clientAuth}=${info.otherPlacement ?? DEFAULT_CLIENT_AUTH}`;
}
