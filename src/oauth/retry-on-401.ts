// After a response: when the API rejects the token the client believed valid (revoked, rotated
// keys, clock skew), drop it and send the request once more with a fresh one — never twice.

/** `oauth2_retry_on_401`: `true` (default) for 401 with `error="invalid_token"`, `any` for any 401, `false` off. */
export type RetrySetting = 'true' | 'any' | 'false';

export type AfterResponse =
  /** Nothing to do. */
  | 'ignore'
  /** The retried request got through: forget the marker. */
  | 'retried-ok'
  /** Drop the token, mark the request, send it again. */
  | 'retry'
  /** Rejected again with a fresh token: drop it, forget the marker, let the failure stand. */
  | 'give-up';

export interface ResponseFacts {
  readonly setting: string | undefined;
  readonly status: number;
  readonly wwwAuthenticate: string;
  /** This request and iteration, `<id>:<iteration>`. */
  readonly key: string;
  /** The marker left by an earlier retry, if any. */
  readonly marker: string | undefined;
}

export function afterResponse(facts: ResponseFacts): AfterResponse {
  const setting = (facts.setting ?? 'true').trim().toLowerCase() || 'true';
  const retrying = facts.marker === facts.key;
  if (setting === 'false' || !rejectsToken(facts, setting)) return retrying ? 'retried-ok' : 'ignore';
  return retrying ? 'give-up' : 'retry';
}

/** RFC 6750 §3.1: `invalid_token` says the token itself is bad; other 401s may be about something else. */
function rejectsToken(facts: ResponseFacts, setting: string): boolean {
  if (facts.status !== 401) return false;
  return setting === 'any' || /error\s*=\s*"?invalid_token/i.test(facts.wwwAuthenticate);
}
