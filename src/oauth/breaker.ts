// A circuit breaker for the token endpoint within a run: once a configuration has failed, the
// following requests with the same configuration fail at once with the same cause, instead of
// each waiting for the same time-out or hammering a refusing server.
import { isOAuthError, OAuthError, type OAuthErrorCode } from './errors.js';
import { redactSecrets } from './mask.js';

/** A refusal that asking again will not change (4xx, an answer that is no token): not asked again for this long. */
export const DEFINITIVE_COOL_DOWN_MS = 60_000;
/** A time-out, a refused connection, 5xx or 429: a pause before asking again. */
export const TRANSIENT_COOL_DOWN_MS = 30_000;

export interface TrippedBreaker {
  readonly until: number;
  readonly code: OAuthErrorCode;
  readonly message: string;
  readonly advice: string;
}

/** How long to keep a failure; 0 for what costs nothing to check again (the configuration itself). */
export function coolDownMs(error: unknown): number {
  if (!isOAuthError(error)) return 0;
  if (error.code === 'TOKEN_REQUEST_FAILED') return TRANSIENT_COOL_DOWN_MS;
  if (error.code === 'TOKEN_RESPONSE_INVALID') return DEFINITIVE_COOL_DOWN_MS;
  if (error.code !== 'TOKEN_ERROR_RESPONSE') return 0;
  const status = error.details.status ?? 0;
  return status === 429 || status >= 500 ? TRANSIENT_COOL_DOWN_MS : DEFINITIVE_COOL_DOWN_MS;
}

/**
 * The record kept beside the token cache (so in the environment, where reports and exports can show
 * it): the failure's text with the secrets a server may have echoed already taken out.
 */
export function tripBreaker(error: OAuthError, now: number, secrets: readonly string[]): string {
  return JSON.stringify(breakerRecord(error, now, secrets));
}

/** The failure as kept while the breaker holds, without the secrets a server may have echoed. */
export function breakerRecord(error: OAuthError, now: number, secrets: readonly string[]): TrippedBreaker {
  return {
    until: now + coolDownMs(error),
    code: error.code,
    message: redactSecrets(error.message, secrets),
    advice: error.advice,
  };
}

/** The remembered failure, while it holds; undefined when there is none or it has cooled down. */
export function trippedBreaker(text: unknown, now: number): TrippedBreaker | undefined {
  if (typeof text !== 'string' || !text) return undefined;
  try {
    const tripped = JSON.parse(text) as Partial<TrippedBreaker>;
    const valid =
      typeof tripped.until === 'number' && typeof tripped.code === 'string' && typeof tripped.message === 'string';
    return valid && now < (tripped.until as number) ? (tripped as TrippedBreaker) : undefined;
  } catch {
    return undefined;
  }
}

/** The error a request gets while the breaker holds: the first failure's, saying when the endpoint is asked again. */
export function breakerError(tripped: TrippedBreaker, now: number): OAuthError {
  const seconds = Math.ceil((tripped.until - now) / 1000);
  return new OAuthError(
    tripped.code,
    `${tripped.message} (not asked again for ${seconds} s: this configuration failed just before)`,
    tripped.advice,
  );
}
