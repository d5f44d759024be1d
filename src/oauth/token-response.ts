import {
  ADVICE_DPOP_NOT_BOUND,
  ADVICE_HTML,
  ADVICE_REDIRECT,
  ADVICE_NOT_BEARER,
  ADVICE_NOT_JSON,
  adviseOnErrorResponse,
  adviseOnProviderError,
} from './advice.js';
import { OAuthError } from './errors.js';
import { decodeJwt } from './jwt.js';

/** What the engine received, as plain data. */
export interface TokenHttpResponse {
  readonly status: number;
  /** A header's value, '' when absent; names compare case-insensitively. */
  readonly header: (name: string) => string;
  readonly body: string;
  /** The runtime stopped reading a body larger than MAX_TOKEN_RESPONSE_BYTES (Node); the sandbox reads it whole. */
  readonly bodyTooLarge?: boolean;
}

export type LifetimeSource = 'expires_in' | 'expires_in, capped at 24 h' | 'jwt_exp' | 'default';

export interface IssuedToken {
  readonly accessToken: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly lifetimeSource: LifetimeSource;
  /** The scope the server granted, when it says (RFC 6749 §5.1: it may grant less than asked). */
  readonly grantedScope: string | undefined;
  /** `DPoP` for a token bound to the DPoP key (RFC 9449 §5): sent only with a proof, never as Bearer. */
  readonly tokenType: 'Bearer' | 'DPoP';
}

/** Used when neither expires_in nor a JWT exp says: short, so a wrong guess costs a renewal, not a failure. */
export const DEFAULT_LIFETIME_SECONDS = 300;
/** A longer expires_in is kept this long: a token cached for years outlives every rotation (1e12 s was seen). */
export const MAX_LIFETIME_SECONDS = 24 * 3600;
/** A token response larger than this is no token response; both runtimes refuse it, Node before reading it whole. */
export const MAX_TOKEN_RESPONSE_BYTES = 1024 * 1024;

/**
 * Checks a token endpoint's answer field by field (RFC 6749 §5.1, §5.2).
 * @param dpop the request carried a DPoP proof: only a DPoP token will do (RFC 9449 §5)
 * @throws OAuthError TOKEN_ERROR_RESPONSE for an HTTP error, TOKEN_RESPONSE_INVALID for a 2xx that is no token
 */
export function parseTokenResponse(response: TokenHttpResponse, now: number, dpop = false): IssuedToken {
  if (response.status >= 300 && response.status < 400) throw redirectResponse(response);
  if (response.bodyTooLarge || response.body.length > MAX_TOKEN_RESPONSE_BYTES) {
    throw new OAuthError(
      'TOKEN_RESPONSE_INVALID',
      `the token endpoint answered ${response.status} with more than ${MAX_TOKEN_RESPONSE_BYTES / 1024 / 1024} MiB, which is no token response`,
      ADVICE_NOT_JSON,
    );
  }
  const body = parseJsonBody(response);
  if (response.status < 200 || response.status > 299) throw errorResponse(response, body);
  if (!body) {
    throw new OAuthError(
      'TOKEN_RESPONSE_INVALID',
      `the token endpoint answered ${response.status} with ${describeNonJson(response)} instead of a JSON token`,
      looksLikeHtml(response) ? ADVICE_HTML : ADVICE_NOT_JSON,
    );
  }
  const accessToken = body['access_token'];
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new OAuthError(
      'TOKEN_RESPONSE_INVALID',
      `the token endpoint answered ${response.status} without an access_token (fields: ${Object.keys(body).join(', ') || 'none'})`,
      ADVICE_NOT_JSON,
    );
  }
  checkTokenCharacters(accessToken, response.status);
  const tokenType = checkTokenType(body['token_type'], dpop, response.status);
  const { lifetimeSeconds, source } = lifetimeOf(body['expires_in'], accessToken, now);
  const scope = body['scope'];
  return {
    accessToken,
    issuedAt: now,
    expiresAt: now + lifetimeSeconds * 1000,
    lifetimeSource: source,
    grantedScope: typeof scope === 'string' ? scope : undefined,
    tokenType,
  };
}

/**
 * A Bearer token is never sent where a DPoP token was asked for, nor the reverse: the first would
 * not be sender-constrained, the second is refused by every API. RFC 6749 §5.1 makes token_type
 * required, but some servers omit it while issuing Bearer tokens; a DPoP token always says so.
 */
function checkTokenType(tokenType: unknown, dpop: boolean, status: number): 'Bearer' | 'DPoP' {
  const type = typeof tokenType === 'string' ? tokenType.toLowerCase() : tokenType;
  if (dpop) {
    if (type === 'dpop') return 'DPoP';
    throw new OAuthError(
      'TOKEN_RESPONSE_INVALID',
      `the token endpoint answered ${status} with a token of type "${String(tokenType ?? 'none')}" to a request with a DPoP proof, so the token is not bound to the key`,
      ADVICE_DPOP_NOT_BOUND,
    );
  }
  if (type === undefined || type === 'bearer') return 'Bearer';
  throw new OAuthError(
    'TOKEN_RESPONSE_INVALID',
    `the token endpoint issued a token of type "${String(tokenType)}", not Bearer`,
    ADVICE_NOT_BEARER,
  );
}

/**
 * A token goes into an Authorization header: a control character or a space there would break the
 * request (or split it), so the token is refused here, in both runtimes, with the reason.
 */
function checkTokenCharacters(token: string, status: number): void {
  const bad = /[^\u0021-\u007e]/.exec(token);
  if (!bad) return;
  const what =
    bad[0] === ' '
      ? 'a space'
      : bad[0] < ' ' || bad[0] === '\u007f'
        ? 'a control character (CR, LF, …)'
        : 'a non-ASCII character';
  throw new OAuthError(
    'TOKEN_RESPONSE_INVALID',
    `the token endpoint answered ${status} with an access_token holding ${what} at position ${bad.index + 1}, which no Authorization header can carry`,
    'the server is issuing malformed tokens: ask its operators (RFC 6750 §2.1 allows letters, digits and -._~+/ only)',
  );
}

/**
 * expires_in is RECOMMENDED only, and some servers send it as a string; then the JWT's exp, then a
 * default. When both are there the earlier wins: exp is in whole seconds, so a token can expire up
 * to a second before `now + expires_in`, and the API goes by exp. A value that is no lifetime (0, a
 * negative, not a number) is refused, as is a token whose exp has passed; a very long one is capped.
 */
function lifetimeOf(
  expiresIn: unknown,
  accessToken: string,
  now: number,
): { lifetimeSeconds: number; source: LifetimeSource } {
  const exp = decodeJwt(accessToken)?.claims['exp'];
  if (typeof exp === 'number' && exp * 1000 <= now) {
    throw new OAuthError(
      'TOKEN_RESPONSE_INVALID',
      `the token endpoint issued a token that had already expired (its exp was ${Math.round(now / 1000 - exp)} s ago)`,
      'check the clocks of the authorization server and of this machine (NTP), and the token lifetime configured for this client',
    );
  }
  const fromExp = typeof exp === 'number' ? (exp * 1000 - now) / 1000 : undefined;
  if (expiresIn === undefined || expiresIn === null)
    return fromExp !== undefined
      ? { lifetimeSeconds: fromExp, source: 'jwt_exp' }
      : { lifetimeSeconds: DEFAULT_LIFETIME_SECONDS, source: 'default' };
  const seconds = typeof expiresIn === 'string' && expiresIn.trim() !== '' ? Number(expiresIn) : expiresIn;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new OAuthError(
      'TOKEN_RESPONSE_INVALID',
      `the token endpoint answered expires_in ${clip(JSON.stringify(expiresIn) ?? String(expiresIn))}, which is no lifetime in seconds (RFC 6749 §5.1)`,
      'the server is misconfigured: ask its operators for a positive expires_in (or none)',
    );
  }
  if (fromExp !== undefined && fromExp < seconds) return { lifetimeSeconds: fromExp, source: 'jwt_exp' };
  return seconds > MAX_LIFETIME_SECONDS
    ? { lifetimeSeconds: MAX_LIFETIME_SECONDS, source: 'expires_in, capped at 24 h' }
    : { lifetimeSeconds: seconds, source: 'expires_in' };
}

/**
 * A token endpoint's redirect is never followed (RFC 9700 §4.11.2, as oauth4webapi does): a 307/308
 * would send the credentials again to wherever it points. Where it points is shown without userinfo
 * or query, which may carry what is not ours to print.
 */
function redirectResponse(response: TokenHttpResponse): OAuthError {
  const location = describeLocation(response.header('location'));
  const message = `the token endpoint answered ${response.status} and redirects ${location ? `to ${location}` : 'elsewhere (no Location header)'}; a token endpoint's redirect is never followed, since it would send the credentials again to where it points`;
  return new OAuthError('TOKEN_ERROR_RESPONSE', message, ADVICE_REDIRECT, {
    status: response.status,
    error: '',
    wwwAuthenticate: '',
    location,
  });
}

/** Scheme, host and path of a Location, for a message: no userinfo, query or fragment. */
export function describeLocation(location: string): string {
  const match = /^\s*(?:([a-z][a-z0-9+.-]*:)?\/\/(?:[^@/?#]*@)?([^/?#]*))?([^?#]*)/i.exec(location);
  if (!match) return '';
  const [, scheme = '', host, path = ''] = match;
  return clip(`${host !== undefined ? `${scheme}//${host}` : ''}${path}`);
}

function errorResponse(response: TokenHttpResponse, body: Record<string, unknown> | undefined): OAuthError {
  const error = body && typeof body['error'] === 'string' ? body['error'] : '';
  const description = body && typeof body['error_description'] === 'string' ? body['error_description'] : '';
  const challenge = response.header('www-authenticate');
  let message = `the token endpoint answered ${response.status}`;
  if (error) message += ` ${clip(error)}`;
  if (description) message += `: "${clip(description)}"`;
  if (!body) message += ` (${describeNonJson(response)})`;
  if (challenge) message += ` (WWW-Authenticate: ${clip(challenge)})`;
  const advice =
    !body && looksLikeHtml(response) && response.status < 500
      ? ADVICE_HTML
      : (adviseOnProviderError(description) ?? adviseOnErrorResponse(response.status, error));
  return new OAuthError('TOKEN_ERROR_RESPONSE', message, advice, {
    status: response.status,
    error,
    wwwAuthenticate: challenge,
  });
}

function parseJsonBody(response: TokenHttpResponse): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(response.body);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function looksLikeHtml(response: TokenHttpResponse): boolean {
  return /html/i.test(response.header('content-type')) || /^\s*</.test(response.body);
}

function describeNonJson(response: TokenHttpResponse): string {
  if (looksLikeHtml(response)) return 'an HTML page';
  if (response.body.trim() === '') return 'an empty body';
  const type = response.header('content-type');
  return `a body that is not a JSON object${type ? ` (Content-Type: ${clip(type)})` : ''}`;
}

/** Server text goes into CI logs: one line, bounded. */
function clip(text: string): string {
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
