/** Stable codes: tests, the runner and users' scripts match on these, so never rename one. */
export type OAuthErrorCode =
  | 'CONFIG_MISSING'
  | 'CONFIG_INVALID'
  | 'TOKEN_REQUEST_FAILED'
  | 'TOKEN_ERROR_RESPONSE'
  | 'TOKEN_RESPONSE_INVALID';

/** What callers branch on, instead of the message's text. */
export interface OAuthErrorDetails {
  /** CONFIG_*: every problem, each with its fix, as a list. */
  readonly problems?: readonly string[];
  /** TOKEN_ERROR_RESPONSE: the HTTP status, the server's `error` (RFC 6749 §5.2) and its challenge. */
  readonly status?: number;
  readonly error?: string;
  readonly wwwAuthenticate?: string;
  /** TOKEN_ERROR_RESPONSE to a redirect (3xx): where it pointed, without userinfo or query. */
  readonly location?: string;
  /** TOKEN_REQUEST_FAILED: the transport's code (ECONNREFUSED, ETIMEDOUT, …). */
  readonly transportCode?: string;
}

/**
 * An error of the token logic. Its message names the offending variable or response field and never
 * carries a secret or a token; `advice` is one line on the usual fix.
 */
export class OAuthError extends Error {
  readonly code: OAuthErrorCode;
  readonly advice: string;
  readonly details: OAuthErrorDetails;

  constructor(code: OAuthErrorCode, message: string, advice = '', details: OAuthErrorDetails = {}) {
    super(message);
    this.name = 'OAuthError';
    this.code = code;
    this.advice = advice;
    this.details = details;
  }
}

export function isOAuthError(value: unknown): value is OAuthError {
  return value instanceof OAuthError;
}
