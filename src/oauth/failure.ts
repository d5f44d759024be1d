import { adviseOnTransportError } from './advice.js';
import { OAuthError } from './errors.js';
import { formEncode } from './form.js';

export { FAILURE_TEST_NAME } from './vocabulary.js';
export { failureMessage } from './failure-message.js';

/** The forms a token endpoint may echo a client secret back in: raw, and as the request body encoded it. */
export function secretEchoes(secret: string): string[] {
  return secret ? [secret, formEncode(secret), encodeURIComponent(secret)] : [];
}

export function transportFailure(tokenUrl: string, code: string, attempts: number): OAuthError {
  const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
  const what = code === 'ETIMEDOUT' ? 'timed out' : `failed: ${code}`;
  return new OAuthError('TOKEN_REQUEST_FAILED', `POST ${tokenUrl} ${what}${tries}`, adviseOnTransportError(code), {
    transportCode: code,
  });
}
