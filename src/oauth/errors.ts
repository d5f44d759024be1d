/** Stable codes: tests, the runner and users' scripts match on these, so never rename one. */
export type OAuthErrorCode =
  | 'CONFIG_MISSING'
  | 'CONFIG_INVALID'
  | 'TOKEN_REQUEST_FAILED'
  | 'TOKEN_ERROR_RESPONSE'
  | 'TOKEN_RESPONSE_INVALID';

/**
 * An error of the token logic. Its message names the offending variable or response field and never
 * carries a secret or a token; `advice` is one line on the usual fix.
 */
export class OAuthError extends Error {
  readonly code: OAuthErrorCode;
  readonly advice: string;

  constructor(code: OAuthErrorCode, message: string, advice = '') {
    super(message);
    this.name = 'OAuthError';
    this.code = code;
    this.advice = advice;
  }
}

export function isOAuthError(value: unknown): value is OAuthError {
  return value instanceof OAuthError;
}
