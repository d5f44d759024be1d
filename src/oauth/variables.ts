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
