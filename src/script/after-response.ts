// The test-phase half of the script (the same bundle runs as the collection's test script).
import { afterResponse } from '../oauth/retry-on-401.js';
import { RETRY_MARKER, VARIABLES } from '../oauth/variables.js';
import { usesOurToken } from '../oauth/request-auth.js';
import { clearCache, readCache } from './cache.js';
import { cacheScope } from './variables.js';

export function handleResponse(read: (name: string) => string | undefined, profile: string): void {
  const scope = cacheScope();
  if (!usesOurToken(pm.request.auth?.toJSON(), readCache(scope, profile).accessToken)) return;
  const key = `${pm.info.requestId}:${pm.info.iteration}`;
  const marker = scope.get(RETRY_MARKER);
  const decision = afterResponse({
    setting: read(VARIABLES.retryOn401),
    status: pm.response.code,
    wwwAuthenticate: String(pm.response.headers.get('WWW-Authenticate') ?? ''),
    key,
    marker: typeof marker === 'string' ? marker : undefined,
  });
  if (decision === 'ignore') return;
  if (decision === 'retried-ok') return scope.unset(RETRY_MARKER);
  clearCache(scope, profile);
  if (decision === 'give-up') {
    scope.unset(RETRY_MARKER);
    console.warn(`pm-oauth2: "${pm.info.requestName}" was rejected (401) again with a fresh token; not retrying. Check that the token's audience and scopes fit this API.`);
    return;
  }
  scope.set(RETRY_MARKER, key);
  pm.execution?.setNextRequest?.(pm.info.requestId);
  console.log(`pm-oauth2: the API rejected the token (401); dropped it — "${pm.info.requestName}" goes again with a fresh one (in a single send: send it again)`);
}
