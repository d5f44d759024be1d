// The hot path: runs before every request, so it is kept to a few variable reads, one SHA-256 and a
// comparison, in as little code as possible (the sandbox compiles the whole script for every
// request: its size is its cost). Everything else is the slow path, kept as a string and compiled
// only when a token must be fetched.
import { fingerprintOf, fingerprintValues } from '../oauth/fingerprint.js';
import { isReusable } from '../oauth/freshness.js';
import { parseProfiles, profileFor, profileReader } from '../oauth/profiles.js';
import { failClosed } from './fail-closed.js';
import { requestNeedsToken } from '../oauth/request-auth.js';
import { NAMES_VARIABLE, NO_CLIENT, PROFILES_VARIABLE, RETRY_MARKER, VARIABLES } from '../oauth/vocabulary.js';
import { cacheVariables, useVariableNames } from '../oauth/profiles.js';
import { parseVariableNames } from '../oauth/variable-names.js';
import { DPOP_NONCE_HEADER } from '../oauth/dpop/nonce.js';
import { dpopRequested } from '../oauth/dpop/setting.js';
import { readCache } from './cache.js';
import { cacheScope, snapshotReader } from './variables.js';

/** The slow path's parameters: the sandbox objects it uses, handed in, since they need not be globals. */
const SLOW_PATH_PARAMETERS = [
  'pm',
  'console',
  'setTimeout',
  'clearTimeout',
  'sandboxRequire',
  'fingerprint',
  'profile',
  'reusable',
];

const PROFILES_NEED_LOCATION =
  'no access token, so the request was not sent — [CONFIG_INVALID] this collection maps folders to credential profiles, ' +
  'and this engine cannot tell which folder a request is in (pm.execution.location). Fix: run it with Newman 6.1 or later, the Postman app, or pm-oauth2 run';

/** The proof path's parameters (proof-path.ts). */
const PROOF_PATH_PARAMETERS = ['pm', 'console', 'sandboxRequire', 'profile', 'token'];

/**
 * @param slowPathSource fetches, stores and publishes a token; after a response, renews and retries
 * @param proofPathSource signs a DPoP proof for a cached token; absent in the variant without signing code
 */
export function ensureAccessToken(slowPathSource: string, proofPathSource = ''): void {
  try {
    const testPhase = pm.info.eventName === 'test';
    // Before the request, one with its own auth needs nothing: return before reading any variable.
    if (!testPhase && !requestNeedsToken(pm.request.auth?.toJSON())) return;
    // After a response, only a 401 or a pending retry calls for anything: the usual answer returns
    // before reading any variable. (With the signing variant, so does a DPoP server's new nonce,
    // RFC 9449 §8.2, which may come with any answer.)
    if (
      testPhase &&
      pm.response.code !== 401 &&
      cacheScope().get(RETRY_MARKER) === undefined &&
      !(proofPathSource && pm.response.headers.get(DPOP_NONCE_HEADER))
    )
      return;
    const all = snapshotReader();
    useVariableNames(parseVariableNames(all(NAMES_VARIABLE)));
    const profiles = parseProfiles(all(PROFILES_VARIABLE));
    const location = pm.execution?.location;
    // Newman before 6.1 cannot say which folder a request is in, so not which client's token it needs.
    if (!location && !testPhase && Object.keys(profiles).length) return failClosed(PROFILES_NEED_LOCATION);
    const profile = profileFor(location, profiles);
    // Outside the folders with client credentials of a collection that has no client of its own.
    if (profile === NO_CLIENT) return;
    const slowPath = (fingerprint: string, reusable: boolean): void => {
      const compiled = new Function(...SLOW_PATH_PARAMETERS, slowPathSource) as (...args: unknown[]) => void;
      compiled(pm, console, setTimeout, clearTimeout, sandboxRequire, fingerprint, profile, reusable);
    };
    // What to do after a response is rare work: it is compiled only when asked for.
    if (testPhase) return slowPath('', false);
    const read = profileReader(all, profile);
    const fingerprint = fingerprintOf(fingerprintValues(read), (text) =>
      sandboxRequire('crypto-js').SHA256(text).toString(),
    );
    const margin = Number(read(VARIABLES.refreshMargin) ?? NaN);
    const cached = readCache(cacheScope(), profile);
    const reusable = isReusable(cached, fingerprint, Date.now(), margin >= 0 ? margin : undefined);
    // The request carries what its Bearer resolves to, which another scope may hold: the cached token
    // must be it. A DPoP request needs a proof of its own, which the slow path signs.
    const dpop = dpopRequested(read);
    if (reusable && all(cacheVariables(profile).accessToken) === cached.accessToken && !dpop) return;
    if (!(reusable && dpop && proofPathSource)) return slowPath(fingerprint, reusable);
    const proofPath = new Function(...PROOF_PATH_PARAMETERS, proofPathSource) as (...args: unknown[]) => void;
    proofPath(pm, console, sandboxRequire, profile, cached.accessToken);
  } catch (error) {
    failClosed(
      `[INTERNAL] ${error instanceof Error ? error.message : String(error)} — this is a pm-oauth2 bug, please report it`,
    );
  }
}
