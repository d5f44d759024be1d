/** Attempts per token fetch, the first included. */
export const MAX_ATTEMPTS = 3;
const BASE_DELAY_MS = 250;
/** A longer Retry-After than this is not waited for: a CI job should fail fast and say why. */
export const MAX_RETRY_AFTER_MS = 10_000;

/** What an attempt ended with, as far as retrying cares. */
export type AttemptOutcome =
  | { readonly kind: 'transport'; readonly code: string }
  | { readonly kind: 'http'; readonly status: number; readonly retryAfter: string };

/**
 * Transport errors a second try may pass: a dropped connection. Not a refused connection, an unknown
 * host, a time-out or a TLS failure — those will not change in a second, and in Newman each failed
 * attempt also counts as a failed request of its own.
 */
const TRANSIENT_TRANSPORT = /^(ECONNRESET|EPIPE|ECONNABORTED|EAI_AGAIN|socket hang up)$/i;

/**
 * Milliseconds to wait before the next attempt, or undefined when it must not be retried:
 * transient transport errors, 5xx and 429 are retried with exponential backoff, honouring a
 * short Retry-After (RFC 9110 §10.2.3); 4xx never are, they will not change by asking again.
 */
export function retryDelayMs(outcome: AttemptOutcome, attempt: number, now: number): number | undefined {
  if (attempt >= MAX_ATTEMPTS) return undefined;
  const backoff = BASE_DELAY_MS * 2 ** (attempt - 1);
  if (outcome.kind === 'transport') return TRANSIENT_TRANSPORT.test(outcome.code) ? backoff : undefined;
  if (outcome.status !== 429 && outcome.status < 500) return undefined;
  const asked = parseRetryAfter(outcome.retryAfter, now);
  if (asked === undefined) return backoff;
  return asked <= MAX_RETRY_AFTER_MS ? Math.max(asked, 0) : undefined;
}

function parseRetryAfter(value: string, now: number): number | undefined {
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : date - now;
}
