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

const BRAND = Symbol.for('pm-oauth2.error');

/**
 * The base of pm-oauth2's expected failures: a stable code, and a message that names the file or
 * setting and the fix. Recognised by brand, not by prototype: a module can be loaded twice in one
 * process (commands load lazily; a CommonJS caller's copy differs from the ESM one; the sandbox
 * compiles the script anew), and an expected failure from another copy must not look like a bug.
 */
export abstract class CodedError<Code extends string = string> extends Error {
  /** Each class's brand: the same in every copy of the module. */
  static readonly brand: string = 'pm-oauth2.CodedError';
  readonly code: Code;

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    const brands = (value as Record<symbol, unknown>)[BRAND];
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of instanceof, a subclass's brand included
    return Array.isArray(brands) && brands.includes(this.brand);
  }

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message);
    this.code = code;
    // Error's own `cause` option is newer than the sandbox of Newman 5.
    if (options && 'cause' in options) Object.defineProperty(this, 'cause', { value: options.cause, writable: true });
    // The brands of the class and every class above it, so that `instanceof` each of them holds.
    const brands: string[] = [];
    for (let c = new.target as unknown as { brand?: string } | null; c?.brand; c = Object.getPrototypeOf(c))
      if (!brands.includes(c.brand)) brands.push(c.brand);
    Object.defineProperty(this, BRAND, { value: brands });
  }
}

/**
 * An error of the token logic. Its message names the offending variable or response field and never
 * carries a secret or a token; `advice` is one line on the usual fix.
 */
export class OAuthError extends CodedError<OAuthErrorCode> {
  static override readonly brand: string = 'pm-oauth2.OAuthError';
  readonly advice: string;
  readonly details: OAuthErrorDetails;

  constructor(code: OAuthErrorCode, message: string, advice = '', details: OAuthErrorDetails = {}) {
    super(code, message);
    this.name = 'OAuthError';
    this.advice = advice;
    this.details = details;
  }
}

export function isOAuthError(value: unknown): value is OAuthError {
  return value instanceof OAuthError;
}
