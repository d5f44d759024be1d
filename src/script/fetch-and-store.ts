// The slow path: runs only when no cached token can be used. It is compiled from a string by the hot
// path (hot-path.ts), so its size costs nothing on the requests that do not need it.
import { readTokenConfig, type TokenConfig } from '../oauth/config.js';
import { profileNameOf, profileReader, profileVariable } from '../oauth/profiles.js';
import { FAILURE_TEST_NAME, failureMessage } from '../oauth/failure.js';
import { formEncode } from '../oauth/form.js';
import { maskToken } from '../oauth/mask.js';
import type { IssuedToken } from '../oauth/token-response.js';
import { clearCache, writeCache } from './cache.js';
import { fetchToken, type AssertionFactory } from './fetch-token.js';
import { cacheScope, readVariable } from './variables.js';

/**
 * @param fingerprint of the configuration, as the hot path computed it
 * @param assertions signs client assertions; absent in the variant built without the JWT code
 */
export function fetchAndStore(fingerprint: string, profile: string, assertions?: AssertionFactory): void {
  let secrets: string[] = [];
  try {
    const scope = cacheScope();
    clearCache(scope, profile);
    const config = readTokenConfig(profileReader(readVariable, profile), (name) => whereToSet(name, profile), profileNameOf(readVariable, profile));
    secrets = [config.clientSecret, formEncode(config.clientSecret), encodeURIComponent(config.clientSecret)];
    fetchToken(config, assertions, (result) => {
      if (result.token) {
        writeCache(scope, result.token, fingerprint, profile);
        console.log(describeNewToken(config, result.token, profile));
      } else {
        failClosed(result.error, secrets);
      }
    });
  } catch (error) {
    failClosed(error, secrets);
  }
}

/**
 * No token: record a failing test (the run fails, the report says why) and skip the request, so it
 * never goes out without a token. A throw would not do: the request would still be sent.
 */
function whereToSet(name: string, profile: string): string {
  const where = 'set it in the active environment or the collection variables';
  if (!profile || !name.startsWith('oauth2_')) return where;
  if (name.startsWith(`oauth2_${profile}_`)) return `${where}: profile ${profile} has a client of its own, and another client's credentials are never sent under its id`;
  return `${where} (as ${profileVariable(name, profile)} for profile ${profile}, or ${name} for all)`;
}

function failClosed(error: unknown, secrets: readonly string[]): void {
  const message = failureMessage(error, secrets);
  console.warn('pm-oauth2: ' + message);
  pm.test(FAILURE_TEST_NAME, () => {
    throw new Error(message);
  });
  if (pm.execution && typeof pm.execution.skipRequest === 'function') pm.execution.skipRequest();
}

function describeNewToken(config: TokenConfig, token: IssuedToken, profile: string): string {
  const lifetime = Math.round((token.expiresAt - token.issuedAt) / 1000);
  const scope = token.grantedScope ?? config.scope;
  return `pm-oauth2: new token (${profile ? `profile ${profile}, ` : ''}${config.clientAuth}${scope ? `, scope "${scope}"` : ''}, ${lifetime} s from ${token.lifetimeSource}, `
    + `expires ${new Date(token.expiresAt).toISOString()}): ${maskToken(token.accessToken)}`;
}

