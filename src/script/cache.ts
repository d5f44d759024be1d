import type { CachedToken } from '../oauth/freshness.js';
import type { IssuedToken } from '../oauth/token-response.js';
import { cacheVariables } from '../oauth/profiles.js';

export function readCache(scope: PmVariableScope, profile = ''): CachedToken {
  const names = cacheVariables(profile);
  return {
    accessToken: String(scope.get(names.accessToken) ?? ''),
    issuedAt: Number(scope.get(names.issuedAt)),
    expiresAt: Number(scope.get(names.expiresAt)),
    fingerprint: String(scope.get(names.fingerprint) ?? ''),
  };
}

export function writeCache(scope: PmVariableScope, token: IssuedToken, fingerprint: string, profile = ''): void {
  const names = cacheVariables(profile);
  scope.set(names.accessToken, token.accessToken);
  scope.set(names.issuedAt, String(token.issuedAt));
  scope.set(names.expiresAt, String(token.expiresAt));
  scope.set(names.fingerprint, fingerprint);
  scope.unset(names.failure);
}

/**
 * Empties the token (Bearer with an empty token sends no Authorization header), so that a token of
 * other credentials can never go out — also where a scope above the cache holds a copy.
 */
export function clearCache(scope: PmVariableScope, profile = ''): void {
  const names = cacheVariables(profile);
  for (const name of [names.accessToken, names.issuedAt, names.expiresAt, names.fingerprint]) scope.set(name, '');
  if (pm.variables.get(names.accessToken)) publishToken(names.accessToken, '');
}

/**
 * Makes the request carry this token: the Bearer resolves `{{oauth2_access_token}}` from the
 * highest scope that holds it (local > data > environment > collection > globals), which need not
 * be the cache's — an environment without a name (Newman's API, some CI wrappers) or a data file
 * may hold an old one. So the copy that wins is overwritten, and the result checked.
 * @returns whether the request now resolves the token
 */
export function publishToken(name: string, token: string): boolean {
  if (pm.variables.get(name) === token) return true;
  if (pm.environment.has(name)) pm.environment.set(name, token);
  if (pm.variables.get(name) !== token) pm.variables.set(name, token);
  return pm.variables.get(name) === token;
}

/** Where the token cache lives is decided in variables.ts (cacheScope); the breaker's record sits beside it. */
export function readFailure(scope: PmVariableScope, profile = ''): unknown {
  return scope.get(cacheVariables(profile).failure);
}

export function writeFailure(scope: PmVariableScope, fingerprint: string, record: string, profile = ''): void {
  const names = cacheVariables(profile);
  scope.set(names.fingerprint, fingerprint);
  scope.set(names.failure, record);
}
