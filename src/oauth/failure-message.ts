// Apart from failure.ts, so the proof path (src/script/proof-path.ts) carries none of the advice texts.
import { isOAuthError } from './errors.js';
import { redactSecrets } from './mask.js';

/**
 * The one message a user sees when no token could be had: what happened, then how to fix it.
 * Secrets are redacted again here, in case a server echoed one back.
 */
export function failureMessage(error: unknown, secrets: readonly string[]): string {
  const text = isOAuthError(error)
    ? `[${error.code}] ${error.message}${error.advice ? `. Fix: ${error.advice}` : ''}`
    : `[INTERNAL] ${error instanceof Error ? error.message : String(error)} — this is a pm-oauth2 bug, please report it`;
  return redactSecrets(`no access token, so the request was not sent — ${text}`, secrets);
}
