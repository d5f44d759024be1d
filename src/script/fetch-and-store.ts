// The slow path: runs only when no cached token can be used as it is. It is compiled from a string
// by the hot path (hot-path.ts), so its size costs nothing on the requests that do not need it.
import { breakerError, coolDownMs, tripBreaker, trippedBreaker } from '../oauth/breaker.js';
import { readTokenConfig } from '../oauth/config.js';
import { OAuthError } from '../oauth/errors.js';
import { failureMessage, secretEchoes } from '../oauth/failure.js';
import { fetchToken, type AssertionFactory } from '../oauth/fetch-token.js';
import { describeNewToken } from '../oauth/describe-token.js';
import { cacheVariables, profileNameOf, profileReader, profileVariable, useVariableNames } from '../oauth/profiles.js';
import { NAMES_VARIABLE, parseVariableNames } from '../oauth/variable-names.js';
import { clearCache, publishToken, readCache, readFailure, writeCache, writeFailure } from './cache.js';
import { failClosed } from './fail-closed.js';
import { sandboxRuntime } from './send-token-request.js';
import { cacheScope, readVariable } from './variables.js';

/**
 * @param fingerprint of the configuration, as the hot path computed it
 * @param reusable the cached token is good for this configuration, but the request would not carry it
 * @param assertions signs client assertions; absent in the variant built without the JWT code
 */
export function fetchAndStore(fingerprint: string, profile: string, reusable: boolean, assertions?: AssertionFactory): void {
  let secrets: string[] = [];
  try {
    useVariableNames(parseVariableNames(readVariable(NAMES_VARIABLE)));
    const scope = cacheScope();
    if (reusable) return publishOrFail(readCache(scope, profile).accessToken, profile, secrets);
    const tripped = readCache(scope, profile).fingerprint === fingerprint ? trippedBreaker(readFailure(scope, profile), Date.now()) : undefined;
    if (tripped) return failClosed(failureMessage(breakerError(tripped, Date.now()), secrets));
    clearCache(scope, profile);
    const read = profileReader(readVariable, profile);
    const config = readTokenConfig(read, (name) => whereToSet(name, profile), profileNameOf(readVariable, profile));
    secrets = secretEchoes(config.clientSecret);
    fetchToken(config, sandboxRuntime(assertions), (result) => {
      if (result.token) {
        writeCache(scope, result.token, fingerprint, profile);
        console.log(`pm-oauth2: ${describeNewToken(config, result.token, profile)}`);
        publishOrFail(result.token.accessToken, profile, secrets);
      } else {
        if (coolDownMs(result.error) > 0) writeFailure(scope, fingerprint, tripBreaker(result.error as OAuthError, Date.now(), secrets), profile);
        failClosed(failureMessage(result.error, secrets));
      }
    });
  } catch (error) {
    failClosed(failureMessage(error, secrets));
  }
}

function publishOrFail(token: string, profile: string, secrets: readonly string[]): void {
  const name = cacheVariables(profile).accessToken;
  if (publishToken(name, token)) return;
  failClosed(failureMessage(new OAuthError('CONFIG_INVALID', `the request would not carry the new token: another value of ${name} wins over it`,
    `remove ${name} from the iteration data or the globals`), secrets));
}

function whereToSet(name: string, profile: string): string {
  const where = 'set it in the active environment or the collection variables';
  if (!profile || !name.startsWith('oauth2_')) return where;
  if (name.startsWith(`oauth2_${profile}_`)) return `${where}: profile ${profile} has a client of its own, and another client's credentials are never sent under its id`;
  return `${where} (as ${profileVariable(name, profile)} for profile ${profile}, or ${name} for all)`;
}
