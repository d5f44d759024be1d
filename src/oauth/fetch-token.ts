// The whole token fetch — attempts, back-off, a fresh assertion per attempt, the verdict — once, for
// both runtimes: the sandbox passes pm.sendRequest, its setTimeout and crypto-js; Node passes fetch,
// its timers and node:crypto. A behaviour that exists on one side only is a bug waiting.
import { adviseOnFederatedRejection, adviseOnMtlsRejection, adviseOnUnexplainedRefusal } from './advice.js';
import { decodeJwt } from './jwt.js';
import { clientAuthOf } from './client-auth.js';
import type { TokenConfig } from './config.js';
import { OAuthError } from './errors.js';
import { transportFailure } from './failure.js';
import { retryDelayMs, type AttemptOutcome } from './retry.js';
import type { DpopFetch } from './dpop/token-fetch.js';
import { buildTokenRequest, type TokenRequest } from './token-request.js';
import { parseTokenResponse, type IssuedToken, type TokenHttpResponse } from './token-response.js';
import { VARIABLES } from './vocabulary.js';

export type FetchResult =
  | { readonly token: IssuedToken; readonly error?: undefined }
  | { readonly token?: undefined; readonly error: unknown };

/** What one attempt ended with: an HTTP answer (any status), or a transport error's code. */
export type AttemptResult =
  | { readonly response: TokenHttpResponse; readonly transportCode?: undefined }
  | { readonly response?: undefined; readonly transportCode: string };

/** Makes a signed client assertion for a configuration: a fresh one (new jti) per call. */
export type AssertionFactory = (config: TokenConfig) => string;

export interface FetchRuntime {
  /** Sends one request, bounded by the time-out, and calls `done` exactly once. */
  send(request: TokenRequest, timeoutMs: number, done: (result: AttemptResult) => void): void;
  wait(ms: number, then: () => void): void;
  now(): number;
  /** Signs client assertions; absent where the JWT code is not bundled. */
  readonly assertions?: AssertionFactory | undefined;
  /** Signs the DPoP proofs and keeps the servers' nonces (dpop/token-fetch.ts); absent where the signing code is not bundled. */
  readonly dpop?: DpopFetch | undefined;
}

/** Fetches a token, retrying what may pass (transient transport errors, 5xx, 429) a bounded number of times. */
export function fetchToken(config: TokenConfig, runtime: FetchRuntime, done: (result: FetchResult) => void): void {
  // A nonce the server asks for costs one more request, not an attempt: at most once per fetch.
  const attempt = (n: number, nonceAsked: boolean): void => {
    let request: TokenRequest;
    try {
      request = buildTokenRequest(config, clientAssertion(config, runtime.assertions), dpopProof(config, runtime.dpop));
    } catch (error) {
      done({ error });
      return;
    }
    runtime.send(request, config.tokenTimeoutMs, (result) => {
      const wantsNonce = !!(config.dpop && result.response && runtime.dpop?.heard(config.tokenUrl, result.response));
      if (wantsNonce && !nonceAsked) return attempt(n, true);
      const delay = isToken(result) ? undefined : retryDelayMs(outcomeOf(result), n, runtime.now());
      if (delay !== undefined) return runtime.wait(delay, () => attempt(n + 1, nonceAsked));
      done(conclude(result, config, n, runtime.now()));
    });
  };
  attempt(1, false);
}

/** The same, as a promise, for Node. */
export function fetchTokenAsync(config: TokenConfig, runtime: FetchRuntime): Promise<IssuedToken> {
  return new Promise((resolve, reject) =>
    fetchToken(config, runtime, (result) => (result.token ? resolve(result.token) : reject(result.error))),
  );
}

/** Each attempt signs anew: a retried request must not replay the assertion's jti. */
function clientAssertion(config: TokenConfig, assertions: AssertionFactory | undefined): string {
  const assertion = clientAuthOf(config.clientAuth).assertion;
  if (assertion === 'given') return federatedAssertion(config);
  if (!assertion) return '';
  if (!assertions) {
    throw new OAuthError(
      'CONFIG_INVALID',
      `${VARIABLES.clientAuth} is ${config.clientAuth}, but this copy of the script was built without JWT signing`,
      'paste dist/prerequest-jwt.js instead (pm-oauth2 build --jwt embeds it; pm-oauth2 run swaps it in by itself)',
    );
  }
  return assertions(config);
}

/** The CI's ID token as given: sent as it is, never signed by us; refused here once it has expired. */
function federatedAssertion(config: TokenConfig): string {
  const { given, federatedSource } = config.assertion;
  if (!given) {
    throw new OAuthError(
      'CONFIG_MISSING',
      `${VARIABLES.clientAssertion} is not set, and ${VARIABLES.federatedSource}${federatedSource ? `=${federatedSource}` : ''} is read by pm-oauth2 run only`,
      `in Postman or newman, set ${VARIABLES.clientAssertion} to the CI's ID token; or run the collection with pm-oauth2 run`,
    );
  }
  const exp = decodeJwt(given)?.claims['exp'];
  if (typeof exp === 'number' && exp * 1000 <= Date.now()) {
    throw new OAuthError(
      'CONFIG_INVALID',
      `${VARIABLES.clientAssertion} expired at ${new Date(exp * 1000).toISOString()}`,
      'set it to a fresh ID token from the CI (they last minutes); pm-oauth2 run reads one itself from oauth2_federated_source',
    );
  }
  return given;
}

/** The token request's own proof (RFC 9449 §5). */
function dpopProof(config: TokenConfig, dpop: DpopFetch | undefined): string {
  if (!config.dpop) return '';
  if (!dpop) throw dpopWithoutSigningCode();
  return dpop.proof(config.dpop.privateKey, config.tokenUrl);
}

/** DPoP asked of the copy of the script without the signing code. */
export function dpopWithoutSigningCode(): OAuthError {
  return new OAuthError(
    'CONFIG_INVALID',
    `${VARIABLES.dpop} is true, but this copy of the script was built without the signing code DPoP needs`,
    'paste dist/prerequest-jwt.js instead (pm-oauth2 script --jwt prints it; pm-oauth2 build --jwt embeds it; pm-oauth2 run swaps it in by itself)',
  );
}

/**
 * Advice from what is known: the method, what was sent, the status and whether the server said why.
 * A rejected client under mutual TLS: the certificate, not a secret, is what to check. A 401 or 403
 * without an error code (glewlwyd answers every refusal so) names no audience nobody set.
 */
function adviceFor(error: OAuthError, config: TokenConfig): string {
  const { status = 0, error: code } = error.details;
  const refused = status === 401 || status === 403;
  const method = clientAuthOf(config.clientAuth);
  if (method.certificate && (code === 'invalid_client' || refused)) return adviseOnMtlsRejection(config.clientAuth);
  if (method.assertion === 'given' && (code === 'invalid_client' || refused))
    return adviseOnFederatedRejection(decodeJwt(config.assertion.given)?.claims);
  if (refused && !code && error.code === 'TOKEN_ERROR_RESPONSE') return adviseOnUnexplainedRefusal(status, config);
  return error.advice;
}

function outcomeOf(result: AttemptResult): AttemptOutcome {
  return result.response
    ? { kind: 'http', status: result.response.status, retryAfter: result.response.header('retry-after') }
    : { kind: 'transport', code: result.transportCode };
}

function isToken(result: AttemptResult): boolean {
  return !!result.response && result.response.status >= 200 && result.response.status < 300;
}

function conclude(result: AttemptResult, config: TokenConfig, attempts: number, now: number): FetchResult {
  if (!result.response) return { error: transportFailure(config.tokenUrl, result.transportCode, attempts) };
  try {
    return { token: parseTokenResponse(result.response, now, !!config.dpop) };
  } catch (error) {
    if (!(error instanceof OAuthError)) return { error };
    const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
    const advice = adviceFor(error, config);
    return tries || advice !== error.advice
      ? { error: new OAuthError(error.code, error.message + tries, advice, error.details) }
      : { error };
  }
}
