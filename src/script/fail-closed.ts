import { BLOCKED_URL, FAILURE_TEST_NAME } from '../oauth/vocabulary.js';

/**
 * No token: record a failing test with a fixed name (the run fails, every reporter says why) and
 * make sure the request never reaches the API. A throw would not do: the request would still be sent.
 * skipRequest exists from Newman 6.1; before it (5.x, 6.0) only changing the request stops it, so
 * both are done, and either alone keeps the request from the API.
 */
export function failClosed(message: string): void {
  console.warn(`pm-oauth2: ${message}`);
  pm.test(FAILURE_TEST_NAME, () => {
    throw new Error(message);
  });
  pm.request.url = BLOCKED_URL;
  if (pm.execution && typeof pm.execution.skipRequest === 'function') pm.execution.skipRequest();
}
