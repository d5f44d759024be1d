import type { CachedToken } from '../oauth/freshness.js';
import type { IssuedToken } from '../oauth/token-response.js';
import { cacheVariables } from '../oauth/profiles.js';

export function readCache(scope: PmVariableScope, profile = ''): CachedToken {
  const CACHE_VARIABLES = cacheVariables(profile);
  return {
    accessToken: String(scope.get(CACHE_VARIABLES.accessToken) ?? ''),
    issuedAt: Number(scope.get(CACHE_VARIABLES.issuedAt)),
    expiresAt: Number(scope.get(CACHE_VARIABLES.expiresAt)),
    fingerprint: String(scope.get(CACHE_VARIABLES.fingerprint) ?? ''),
  };
}

export function writeCache(scope: PmVariableScope, token: IssuedToken, fingerprint: string, profile = ''): void {
  const CACHE_VARIABLES = cacheVariables(profile);
  scope.set(CACHE_VARIABLES.accessToken, token.accessToken);
  scope.set(CACHE_VARIABLES.issuedAt, String(token.issuedAt));
  scope.set(CACHE_VARIABLES.expiresAt, String(token.expiresAt));
  scope.set(CACHE_VARIABLES.fingerprint, fingerprint);
}

/**
 * Empties the token (Bearer with an empty token sends no Authorization header), so that a token of
 * other credentials can never go out, even in an engine that cannot skip the request.
 */
export function clearCache(scope: PmVariableScope, profile = ''): void {
  const CACHE_VARIABLES = cacheVariables(profile);
  scope.set(CACHE_VARIABLES.accessToken, '');
  scope.set(CACHE_VARIABLES.issuedAt, '');
  scope.set(CACHE_VARIABLES.expiresAt, '');
  scope.set(CACHE_VARIABLES.fingerprint, '');
}
