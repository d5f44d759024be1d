// The hot path: runs before every request, so it is kept to a few variable reads, one SHA-256 and a
// comparison, in as little code as possible (the sandbox compiles the whole script for every
// request: its size is its cost). Everything else is the slow path, kept as a string and compiled
// only when a token must be fetched.
import { fingerprintOf, fingerprintValues } from '../oauth/fingerprint.js';
import { isReusable } from '../oauth/freshness.js';
import { parseProfiles, PROFILES_VARIABLE, profileFor, profileReader } from '../oauth/profiles.js';
import { requestNeedsToken } from '../oauth/request-auth.js';
import { FAILURE_TEST_NAME, RETRY_MARKER, VARIABLES } from '../oauth/variables.js';
import { handleResponse } from './after-response.js';
import { readCache } from './cache.js';
import { cacheScope, snapshotReader } from './variables.js';

/** The slow path's parameters: the sandbox objects it uses, handed in, since they need not be globals. */
const SLOW_PATH_PARAMETERS = ['pm', 'console', 'setTimeout', 'clearTimeout', 'sandboxRequire', 'fingerprint', 'profile'];

export function ensureAccessToken(slowPathSource: string): void {
  try {
    const testPhase = pm.info.eventName === 'test';
    // Before the request, one with its own auth needs nothing: return before reading any variable.
    if (!testPhase && !requestNeedsToken(pm.request.auth?.toJSON())) return;
    // After a response, only a 401 or a pending retry calls for anything: the usual answer returns
    // before reading any variable.
    if (testPhase && pm.response.code !== 401 && cacheScope().get(RETRY_MARKER) === undefined) return;
    const all = snapshotReader();
    const profile = profileFor(pm.execution?.location, parseProfiles(all(PROFILES_VARIABLE)));
    const read = profileReader(all, profile);
    if (testPhase) return handleResponse(read, profile);
    const fingerprint = fingerprintOf(fingerprintValues(read), (text) => sandboxRequire('crypto-js').SHA256(text).toString());
    const margin = Number(read(VARIABLES.refreshMargin) ?? NaN);
    if (isReusable(readCache(cacheScope(), profile), fingerprint, Date.now(), margin >= 0 ? margin : undefined)) return;
    const slowPath = new Function(...SLOW_PATH_PARAMETERS, slowPathSource) as (...args: unknown[]) => void;
    slowPath(pm, console, setTimeout, clearTimeout, sandboxRequire, fingerprint, profile);
  } catch (error) {
    const message = `[INTERNAL] ${error instanceof Error ? error.message : String(error)} — this is a pm-oauth2 bug, please report it`;
    pm.test(FAILURE_TEST_NAME, () => {
      throw new Error(message);
    });
    if (pm.execution && typeof pm.execution.skipRequest === 'function') pm.execution.skipRequest();
  }
}
