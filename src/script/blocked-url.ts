/**
 * Where a request goes when it may not go out: a scheme no engine speaks, so it fails at once with
 * "Invalid protocol", before any connection or name lookup, and the API never sees it. Shared by the
 * sandbox script and the runner's in-process auth.
 */
export const BLOCKED_URL = 'pm-oauth2-no-token://request-blocked-by-pm-oauth2/';
