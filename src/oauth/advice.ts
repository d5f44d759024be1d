import { clientAuthOf, credentialsToCheck } from './client-auth.js';
import { VARIABLES } from './vocabulary.js';

const CREDENTIALS = `check ${VARIABLES.clientId} and ${VARIABLES.clientSecret} for this environment; if they are right, the server may want the credentials elsewhere: switch ${VARIABLES.clientAuth} between client_secret_basic and client_secret_post`;
const ENDPOINT = `${VARIABLES.tokenUrl} is probably not the token endpoint: take token_endpoint from the server's /.well-known/openid-configuration`;

/** Advice by OAuth error code (RFC 6749 §5.2, RFC 8707 §2, and vendors' own). */
const BY_ERROR: Readonly<Record<string, string>> = {
  invalid_client: CREDENTIALS,
  unauthorized_client: `the client may not use the client credentials grant, or (Keycloak) its secret is wrong: enable the grant for this client at the server and ${CREDENTIALS}`,
  invalid_scope: `the client may not request that scope: check ${VARIABLES.scope} against the scopes granted to this client (Okta wants a custom scope, Entra ID api://<app>/.default)`,
  invalid_target: `the server does not know that resource: check ${VARIABLES.resource}`,
  unsupported_grant_type: 'enable the client credentials grant for this client at the server',
  invalid_grant: `the server refused the grant: check the client's configuration at the server and ${VARIABLES.extraParams}`,
  access_denied: `the client may not get a token for that API: check ${VARIABLES.audience} (Auth0 needs the API's identifier) and the client's grants at the server`,
  invalid_dpop_proof: `the server refused the DPoP proof: check that ${VARIABLES.dpopKey} is a P-256 key (ES256, which every server takes) or an RSA key the server allows, and that the machine's clock is right`,
  use_dpop_nonce:
    'the server asked for a DPoP nonce twice in a row: it does not accept the nonce it issued; ask its operators',
  invalid_request: `the server found the request malformed: check ${VARIABLES.extraParams}, ${VARIABLES.audience} and ${VARIABLES.resource}, and that ${VARIABLES.tokenUrl} is an OAuth2 token endpoint`,
};

const BY_STATUS: Readonly<Record<number, string>> = {
  401: CREDENTIALS,
  403: `the server refused this client: check ${VARIABLES.audience} and that the API is enabled for the client`,
  404: ENDPOINT,
  405: ENDPOINT,
  415: `the endpoint does not take a form body: ${ENDPOINT}`,
  429: 'the token endpoint is rate-limiting this client: run fewer jobs at once, or reuse tokens across collections with pm-oauth2 run',
};

/** One line on the usual fix for an error answer of the token endpoint. */
export function adviseOnErrorResponse(status: number, error: string): string {
  return (
    BY_ERROR[error] ??
    BY_STATUS[status] ??
    (status >= 500
      ? 'the authorization server is failing; try again later, or ask its operators'
      : `read the server's error above; ${ENDPOINT}`)
  );
}

export const ADVICE_HTML = `the server answered a web page, not JSON: ${ENDPOINT} (a login page or a proxy's page means the URL is wrong)`;
export const ADVICE_REDIRECT = `if the server has moved and the new address is right, set ${VARIABLES.tokenUrl} to it (the token_endpoint of the server's /.well-known/openid-configuration); in plain Newman run with --ignore-redirects, or the engine follows it before the script can refuse it`;
export const ADVICE_NOT_JSON = `the token endpoint must answer JSON: ${ENDPOINT}`;
export const ADVICE_NOT_BEARER = `a token of type "DPoP" is bound to a key: set ${VARIABLES.dpop}=true (pm-oauth2 run makes the key; elsewhere set ${VARIABLES.dpopKey}); for any other type, ask the server for Bearer tokens (token_type "Bearer")`;
export const ADVICE_DPOP_NOT_BOUND = `the server ignored the DPoP proof: turn on DPoP-bound tokens for this client at the provider (Okta: "Require DPoP header in token requests"; Keycloak: "OAuth 2.0 DPoP bound access tokens"; oidc-provider: dpop_bound_access_tokens), or set ${VARIABLES.dpop}=false for Bearer tokens`;

export function adviseOnTransportError(code: string): string {
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') {
    // The script cannot close the engine's connection: plain newman waits for it before it exits.
    return `the token endpoint did not answer in time: check ${VARIABLES.tokenUrl}, or raise ${VARIABLES.tokenTimeout} (seconds); in plain newman also pass --timeout-request, or the process waits for the unanswered connection after the run`;
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `the host of ${VARIABLES.tokenUrl} is unknown: check its spelling and the machine's DNS`;
  // The server's alerts about the client's side of mutual TLS (RFC 8446 §6.2), before our own trust errors.
  if (code.includes('ALERT_CERTIFICATE_REQUIRED') || code.includes('ALERT_HANDSHAKE_FAILURE')) {
    return 'the token endpoint asks for a client certificate (mutual TLS): give one with --ssl-client-cert and --ssl-client-key (or --ssl-client-cert-list)';
  }
  if (
    code.includes('ALERT_UNKNOWN_CA') ||
    code.includes('ALERT_BAD_CERTIFICATE') ||
    code.includes('ALERT_CERTIFICATE_UNKNOWN') ||
    code.includes('ALERT_ACCESS_DENIED')
  ) {
    return 'the token endpoint refused the client certificate: use one issued by a CA the server trusts, and check that it has not expired';
  }
  if (
    code.startsWith('CERT') ||
    code.includes('SELF_SIGNED') ||
    code.includes('CERTIFICATE') ||
    code.includes('UNABLE_TO_VERIFY') ||
    code.includes('UNABLE_TO_GET_ISSUER')
  ) {
    return "the token endpoint's TLS certificate is not trusted: give Newman the CA (--ssl-extra-ca-certs)";
  }
  return `nothing answered at ${VARIABLES.tokenUrl}: check its host and port, and any proxy between`;
}

/** A 401 or 403 with no error code: the server gave no reason, so the advice follows from what was sent. */
export function adviseOnUnexplainedRefusal(status: number, config: { clientAuth: string; audience: string }): string {
  const credentials = credentialsToCheck(config.clientAuth);
  const audience = config.audience ? `, and ${VARIABLES.audience} (the API must be enabled for the client)` : '';
  return `the server gave no reason (${status} without an error code), as some servers answer every refusal: ${credentials}; then that the client may use the client credentials grant${audience}`;
}

/** RFC 8705 §2.1-2.2: the server matched no registered certificate (or subject) to this client. */
export function adviseOnMtlsRejection(method: string): string {
  const registered =
    clientAuthOf(method).certificate === 'self-signed'
      ? `the certificate itself must be registered for ${VARIABLES.clientId} (in its jwks)`
      : `the certificate's subject must be the one registered for ${VARIABLES.clientId} (tls_client_auth_subject_dn), from a CA the server trusts`;
  return `the server did not accept the client certificate for this client: present it with --ssl-client-cert and --ssl-client-key (in the app: Settings → Certificates), for the token endpoint's host; ${registered}`;
}

/**
 * A refused federated assertion: the provider matched no federated credential (Entra's AADSTS70021,
 * Keycloak's invalid_client) to what the assertion says. Its iss, sub and aud are the three values
 * to register — identifiers, not secrets — so they are named.
 */
export function adviseOnFederatedRejection(claims: Record<string, unknown> | undefined): string {
  if (!claims)
    return `the server refused the assertion; check that ${VARIABLES.clientId} has a federated credential for this CI`;
  const aud = Array.isArray(claims['aud']) ? claims['aud'].join(' ') : String(claims['aud'] ?? '');
  return `register a federated credential for ${VARIABLES.clientId} with exactly what the CI's token says — iss=${String(claims['iss'] ?? '')} sub=${String(claims['sub'] ?? '')} aud=${aud} — or ask the CI for the audience the credential names (${VARIABLES.federatedAudience}, or the aud of GitLab's id_tokens)`;
}

/** Providers' own error codes and texts that say more than the OAuth error (docs/providers.md). */
const PROVIDER_ERRORS: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /\bAADSTS7000215\b/,
    "Entra ID: the client secret is wrong — use the secret's value (not its id) from Certificates & secrets; it may have expired",
  ],
  [
    /\bAADSTS700016\b/,
    `Entra ID: no application with this id in the tenant — ${VARIABLES.clientId} is the application (client) id, and the token URL names its tenant`,
  ],
  [
    /\bAADSTS70011\b/,
    `Entra ID: client credentials take one scope, api://<api-app-id>/.default — set ${VARIABLES.scope} so`,
  ],
  [
    /\bAADSTS500011\b/,
    'Entra ID: the API (resource) is not in the tenant — use the app id URI the API exposes in its registration',
  ],
  [
    /\bAADSTS700027\b/,
    `Entra ID: the assertion's certificate is not registered — upload it to the app registration; ${VARIABLES.certificate} must be that certificate`,
  ],
  [
    /\bAADSTS7000218\b/,
    `Entra ID: neither a secret nor an assertion was sent — set ${VARIABLES.clientSecret}, or a JWT or federated ${VARIABLES.clientAuth}`,
  ],
  [
    /Client not enabled to retrieve service account/i,
    "Keycloak: turn on the client's Service accounts roles (Capability config)",
  ],
  [
    /not been granted scopes|Service not enabled within domain/i,
    'Auth0: authorize the application for the API (the API → Machine to Machine Applications), with its scopes',
  ],
  [
    /Grant type 'client_credentials' not allowed/i,
    "Auth0: enable the Client Credentials grant in the application's Advanced Settings → Grant Types",
  ],
];

/** The advice for a provider's own error text, when it is one we know. */
export function adviseOnProviderError(description: string): string | undefined {
  return PROVIDER_ERRORS.find(([pattern]) => pattern.test(description))?.[1];
}
