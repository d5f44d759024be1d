import { FAILURE_TEST_NAME } from '../oauth/variables.js';

/**
 * Where a request goes when it may not go out: a scheme no engine speaks, so it fails at once with
 * "Invalid protocol", before any connection or name lookup, and the API never sees it.
 */
export const BLOCKED_URL = 'pm-oauth2-no-token://request-blocked-by-pm-oauth2/';

/**
 * No token: record a failing test with a fixed name (the run fails, every reporter says why) and
 * make sure the request never reaches the API. A throw would not do: the request would still be sent.
 * skipRequest exists from Newman 6.1; before it (5.x, 6.0) only changing the request stops it, so
 * both are done, and either alone keeps the request from the API.
 */
export function failClosed(message: string): void {
  console.warn('pm-oauth2: ' + message);
  pm.test(FAILURE_TEST_NAME, () => {
    throw new Error(message);
  });
  pm.request.url = BLOCKED_URL;
  if (pm.execution && typeof pm.execution.skipRequest === 'function') pm.execution.skipRequest();
}
