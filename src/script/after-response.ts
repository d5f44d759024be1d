// The test-phase half of the script (the same bundle runs as the collection's test script): part of
// the slow path, compiled only after a 401, during a retry, or when a server sends a DPoP nonce.
import { afterResponse } from '../oauth/retry-on-401.js';
import { NAMES_VARIABLE, RETRY_MARKER, VARIABLES } from '../oauth/vocabulary.js';
import { usesOurToken } from '../oauth/request-auth.js';
import { clearCache, readCache } from './cache.js';
import { cacheScope, readVariable } from './variables.js';
import { profileReader, useVariableNames } from '../oauth/profiles.js';
import { parseVariableNames } from '../oauth/variable-names.js';
import { dpopRequested } from '../oauth/dpop/setting.js';
import type { SandboxDpop } from './dpop.js';

/** @param dpop the signing variant's DPoP half; without it, no request of ours carried a DPoP token */
export function handleResponse(profile: string, dpop?: SandboxDpop): void {
  useVariableNames(parseVariableNames(readVariable(NAMES_VARIABLE)));
  const read = profileReader(readVariable, profile);
  const scope = cacheScope();
  const token = readCache(scope, profile).accessToken;
  const withDpop = dpopRequested(read);
  if (withDpop && !dpop) return;
  if (
    withDpop
      ? pm.request.headers.get('Authorization') !== `DPoP ${token}`
      : !usesOurToken(pm.request.auth?.toJSON(), token)
  )
    return;
  const key = `${pm.info.requestId}:${pm.info.iteration}`;
  const marker = scope.get(RETRY_MARKER);
  if (withDpop && dpop?.afterResponse(scope, key, marker)) return;
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
    console.warn(
      `pm-oauth2: "${pm.info.requestName}" was rejected (401) again with a fresh token; not retrying. Check that the token's audience and scopes fit this API.`,
    );
    return;
  }
  scope.set(RETRY_MARKER, key);
  pm.execution?.setNextRequest?.(pm.info.requestId);
  console.log(
    `pm-oauth2: the API rejected the token (401); dropped it — "${pm.info.requestName}" goes again with a fresh one (in a single send: send it again)`,
  );
}
