// The slow path: runs only when no cached token can be used as it is. It is compiled from a string
// by the hot path (hot-path.ts), so the requests that do not need it do not run it; they still carry
// its text (a few µs per KB per request, measured by the bench), which is why it stays lean.
import { breakerError, coolDownMs, tripBreaker, trippedBreaker } from '../oauth/breaker.js';
import { readTokenConfig } from '../oauth/config.js';
import { OAuthError } from '../oauth/errors.js';
import { failureMessage, secretEchoes } from '../oauth/failure.js';
import { dpopWithoutSigningCode, fetchToken, type AssertionFactory } from '../oauth/fetch-token.js';
import type { TokenConfig } from '../oauth/config.js';
import { describeNewToken } from '../oauth/describe-token.js';
import { cacheVariables, profileNameOf, profileReader, profileVariable, useVariableNames } from '../oauth/profiles.js';
import { parseVariableNames } from '../oauth/variable-names.js';
import { NAMES_VARIABLE } from '../oauth/vocabulary.js';
import { clearCache, publishToken, readCache, readFailure, writeCache, writeFailure } from './cache.js';
import { failClosed } from './fail-closed.js';
import type { SandboxDpop } from './dpop.js';
import { sandboxRuntime } from './send-token-request.js';
import { cacheScope, readVariable } from './variables.js';
import { dpopRequested } from '../oauth/dpop/setting.js';

/** The signing code of the variant built with it (slow-path-jwt.ts); absent in the small one. */
export interface Signing {
  readonly assertions?: AssertionFactory;
  readonly dpop?: SandboxDpop;
}

/**
 * @param fingerprint of the configuration, as the hot path computed it
 * @param reusable the cached token is good for this configuration, but the request would not carry it
 *   (or, with DPoP, needs a proof of its own)
 */
export function fetchAndStore(fingerprint: string, profile: string, reusable: boolean, signing: Signing = {}): void {
  let secrets: string[] = [];
  try {
    useVariableNames(parseVariableNames(readVariable(NAMES_VARIABLE)));
    const scope = cacheScope();
    const read = profileReader(readVariable, profile);
    const configOf = () =>
      readTokenConfig(read, (name) => whereToSet(name, profile), profileNameOf(readVariable, profile));
    if (reusable && !dpopRequested(read)) return publishOrFail(readCache(scope, profile).accessToken, profile, secrets);
    if (reusable)
      return sendToken(readCache(scope, profile).accessToken, configOf(), profile, secrets, signing.dpop, scope);
    const tripped =
      readCache(scope, profile).fingerprint === fingerprint
        ? trippedBreaker(readFailure(scope, profile), Date.now())
        : undefined;
    if (tripped) return failClosed(failureMessage(breakerError(tripped, Date.now()), secrets));
    clearCache(scope, profile);
    const config = configOf();
    secrets = secretEchoes(config.clientSecret);
    fetchToken(config, { ...sandboxRuntime(signing.assertions), dpop: signing.dpop?.fetch(scope) }, (result) => {
      if (result.token) {
        writeCache(scope, result.token, fingerprint, profile);
        console.log(`pm-oauth2: ${describeNewToken(config, result.token, profile)}`);
        sendToken(result.token.accessToken, config, profile, secrets, signing.dpop, scope);
      } else {
        if (coolDownMs(result.error) > 0)
          writeFailure(scope, fingerprint, tripBreaker(result.error as OAuthError, Date.now(), secrets), profile);
        failClosed(failureMessage(result.error, secrets));
      }
    });
  } catch (error) {
    failClosed(failureMessage(error, secrets));
  }
}

/** A Bearer token goes in the variable the collection's Bearer resolves; a DPoP token in the headers, with a proof. */
function sendToken(
  token: string,
  config: TokenConfig,
  profile: string,
  secrets: readonly string[],
  dpop: SandboxDpop | undefined,
  scope: PmVariableScope,
): void {
  if (!config.dpop) return publishOrFail(token, profile, secrets);
  const refused = dpop
    ? dpop.sign(cacheVariables(profile).accessToken, token, config.dpop.privateKey, scope)
    : dpopWithoutSigningCode();
  if (refused) failClosed(failureMessage(refused, secrets));
}

function publishOrFail(token: string, profile: string, secrets: readonly string[]): void {
  const name = cacheVariables(profile).accessToken;
  if (publishToken(name, token)) return;
  failClosed(
    failureMessage(
      new OAuthError(
        'CONFIG_INVALID',
        `the request would not carry the new token: another value of ${name} wins over it`,
        `remove ${name} from the iteration data or the globals`,
      ),
      secrets,
    ),
  );
}

function whereToSet(name: string, profile: string): string {
  const where = 'set it in the active environment or the collection variables';
  if (!profile || !name.startsWith('oauth2_')) return where;
  if (name.startsWith(`oauth2_${profile}_`))
    return `${where}: profile ${profile} has a client of its own, and another client's credentials are never sent under its id`;
  return `${where} (as ${profileVariable(name, profile)} for profile ${profile}, or ${name} for all)`;
}
