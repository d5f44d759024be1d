import { adviseOnTransportError } from './advice.js';
import { isOAuthError, OAuthError } from './errors.js';
import { formEncode } from './form.js';
import { redactSecrets } from './mask.js';

export { FAILURE_TEST_NAME } from './variables.js';

/** The forms a token endpoint may echo a client secret back in: raw, and as the request body encoded it. */
export function secretEchoes(secret: string): string[] {
  return secret ? [secret, formEncode(secret), encodeURIComponent(secret)] : [];
}

export function transportFailure(tokenUrl: string, code: string, attempts: number): OAuthError {
  const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
  const what = code === 'ETIMEDOUT' ? 'timed out' : `failed: ${code}`;
  return new OAuthError('TOKEN_REQUEST_FAILED', `POST ${tokenUrl} ${what}${tries}`, adviseOnTransportError(code), { transportCode: code });
}

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
