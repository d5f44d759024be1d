import { JWT_CLIENT_AUTH, type TokenConfig } from '../oauth/config.js';
import { OAuthError } from '../oauth/errors.js';
import { transportFailure } from '../oauth/failure.js';
import { retryDelayMs } from '../oauth/retry.js';
import { buildTokenRequest, type TokenRequest } from '../oauth/token-request.js';
import { VARIABLES } from '../oauth/variables.js';
import { parseTokenResponse, type IssuedToken } from '../oauth/token-response.js';
import { sendTokenRequest, type AttemptResult } from './send-token-request.js';

export type FetchResult = { readonly token: IssuedToken; readonly error?: undefined } | { readonly token?: undefined; readonly error: unknown };

/** Makes a signed client assertion for a configuration: a fresh one (new jti) per call. */
export type AssertionFactory = (config: TokenConfig) => string;

/** Fetches a token, retrying what may pass (transport errors, 5xx, 429) a bounded number of times. */
export function fetchToken(config: TokenConfig, assertions: AssertionFactory | undefined, done: (result: FetchResult) => void): void {
  const attempt = (n: number): void => {
    let request: TokenRequest;
    try {
      request = buildTokenRequest(config, clientAssertion(config, assertions));
    } catch (error) {
      done({ error });
      return;
    }
    sendTokenRequest(request, config.tokenTimeoutMs, (result) => {
      const delay = retryDelayMs(outcomeOf(result), n, Date.now());
      if (delay !== undefined && !isToken(result)) {
        setTimeout(() => attempt(n + 1), delay);
        return;
      }
      done(conclude(result, config, n));
    });
  };
  attempt(1);
}

/** Each attempt signs anew: a retried request must not replay the assertion's jti. */
function clientAssertion(config: TokenConfig, assertions: AssertionFactory | undefined): string {
  if (!JWT_CLIENT_AUTH.includes(config.clientAuth)) return '';
  if (!assertions) {
    throw new OAuthError('CONFIG_INVALID', `${VARIABLES.clientAuth} is ${config.clientAuth}, but this copy of the script was built without JWT signing`,
      'paste dist/prerequest-jwt.js instead (pm-oauth2 build --jwt embeds it; pm-oauth2 run swaps it in by itself)');
  }
  return assertions(config);
}

function outcomeOf(result: AttemptResult) {
  return result.response
    ? { kind: 'http' as const, status: result.response.status, retryAfter: result.response.header('retry-after') }
    : { kind: 'transport' as const, code: result.transportCode };
}

function isToken(result: AttemptResult): boolean {
  return !!result.response && result.response.status >= 200 && result.response.status < 300;
}

function conclude(result: AttemptResult, config: TokenConfig, attempts: number): FetchResult {
  if (!result.response) return { error: transportFailure(config.tokenUrl, result.transportCode, attempts) };
  try {
    return { token: parseTokenResponse(result.response, Date.now()) };
  } catch (error) {
    if (error instanceof OAuthError && attempts > 1) {
      return { error: new OAuthError(error.code, `${error.message} (after ${attempts} attempts)`, error.advice, error.details) };
    }
    return { error };
  }
}
