// The test-phase half of the script (the same bundle runs as the collection's test script): part of
// the slow path, compiled only after a 401, during a retry, or when a server sends a DPoP nonce.
import { afterResponse } from '../oauth/retry-on-401.js';
import { RETRY_MARKER, VARIABLES } from '../oauth/variables.js';
import { usesOurToken } from '../oauth/request-auth.js';
import { clearCache, readCache } from './cache.js';
import { cacheScope, readVariable } from './variables.js';
import { profileReader, useVariableNames } from '../oauth/profiles.js';
import { NAMES_VARIABLE, parseVariableNames } from '../oauth/variable-names.js';
import { acceptableNonce, DPOP_NONCE_HEADER, resourceWantsNonce } from '../oauth/dpop/nonce.js';
import { originOf } from '../oauth/dpop/htu.js';
import { dpopRequested } from '../oauth/dpop/setting.js';
import { requestUrl, variableNonceStore } from './dpop.js';

export function handleResponse(profile: string): void {
  useVariableNames(parseVariableNames(readVariable(NAMES_VARIABLE)));
  const read = profileReader(readVariable, profile);
  const scope = cacheScope();
  const token = readCache(scope, profile).accessToken;
  const dpop = dpopRequested(read);
  if (dpop ? pm.request.headers.get('Authorization') !== `DPoP ${token}` : !usesOurToken(pm.request.auth?.toJSON(), token)) return;
  const key = `${pm.info.requestId}:${pm.info.iteration}`;
  const marker = scope.get(RETRY_MARKER);
  if (dpop && nonceRetry(scope, key, marker)) return;
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

/**
 * Keeps the API's newest DPoP nonce (RFC 9449 §9), and sends the request once more when the API
 * asked for one: the token stays good, only the proof lacked the nonce.
 * @returns whether the request goes again
 */
function nonceRetry(scope: PmVariableScope, key: string, marker: unknown): boolean {
  const nonce = acceptableNonce(pm.response.headers.get(DPOP_NONCE_HEADER));
  if (!nonce) return false;
  variableNonceStore(scope).set(originOf(requestUrl()), nonce);
  if (!resourceWantsNonce(pm.response.code, String(pm.response.headers.get('WWW-Authenticate') ?? '')) || marker === key) return false;
  scope.set(RETRY_MARKER, key);
  pm.execution?.setNextRequest?.(pm.info.requestId);
  console.log(`pm-oauth2: the API asked for a DPoP nonce; "${pm.info.requestName}" goes again with it (in a single send: send it again)`);
  return true;
}
