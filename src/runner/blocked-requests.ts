// Every request kept from the API must be one failing test named `pm-oauth2: access token` in every
// reporter. Newman counts them wrongly two ways: a request the script skipped (skipRequest) has no
// execution, so JUnit, which walks executions, never shows it; and a request pointed at the blocked
// URL is also a request error ("Invalid protocol"), a second failure for the same request. Before
// the reporters make their reports, the run's summary is put right: one execution per blocked
// request, holding its failing test and no request error.
import type { EventEmitter } from 'node:events';
import { BLOCKED_SCHEME, FAILURE_TEST_NAME } from '../oauth/vocabulary.js';

/** How the runtime reports a request pointed at the blocked URL. */
export const BLOCKED_REQUEST = new RegExp(`Invalid protocol: ${BLOCKED_SCHEME}\\b`);

interface Cursor {
  ref?: string;
  iteration?: number;
  position?: number;
  scriptId?: string;
}
interface Seen {
  cursor: Cursor;
  item: unknown;
  requested: boolean;
  assertions: Array<{ assertion: string; skipped: boolean; error: unknown }>;
}
export interface Execution {
  cursor?: Cursor;
  requestError?: Error;
  assertions?: unknown[];
  [field: string]: unknown;
}
interface Failure {
  error: { message?: string };
  at?: string;
  cursor?: Cursor;
}
export interface Summary {
  run: { executions: Execution[]; failures: Failure[]; stats: { requests: { failed: number } } };
}

/** Watches the run's items; call the result when the run is done, before any reporter reads the summary. */
export function trackBlockedRequests(emitter: EventEmitter): (summary: Summary | undefined) => void {
  const seen = new Map<string, Seen>();
  const entry = (cursor: Cursor, item: unknown): Seen | undefined => {
    if (!cursor?.ref) return undefined;
    const known = seen.get(cursor.ref) ?? { cursor, item, requested: false, assertions: [] };
    seen.set(cursor.ref, known);
    return known;
  };
  emitter.on('beforeItem', (_error: unknown, o: { cursor: Cursor; item: unknown }) => void entry(o?.cursor, o?.item));
  emitter.on('request', (_error: unknown, o: { cursor: Cursor; item: unknown }) => {
    // A script's pm.sendRequest (the token request) shares the item's cursor, with the script's id.
    const known = o?.cursor?.scriptId ? undefined : entry(o?.cursor, o?.item);
    if (known) known.requested = true;
  });
  emitter.on(
    'assertion',
    (error: unknown, o: { cursor: Cursor; item: unknown; assertion: string; skipped: boolean }) => {
      entry(o?.cursor, o?.item)?.assertions.push({
        assertion: o.assertion,
        skipped: o.skipped,
        error: error ?? undefined,
      });
    },
  );
  return (summary) => {
    if (!summary?.run) return;
    const blocked = [...seen].filter(([, s]) => s.assertions.some((a) => a.assertion === FAILURE_TEST_NAME && a.error));
    dropRequestErrorsOf(summary, new Set(blocked.map(([ref]) => ref)));
    addSkippedExecutions(
      summary,
      blocked.map(([, s]) => s).filter((s) => !s.requested),
    );
  };
}

/**
 * A blocked request's own error (the blocked URL's "Invalid protocol") and its token call's (a
 * refused connection) are the failure the named test beside them already reports, with its cause.
 */
function dropRequestErrorsOf(summary: Summary, blocked: ReadonlySet<string>): void {
  const isBlocked = (cursor: Cursor | undefined) => !!cursor?.ref && blocked.has(cursor.ref);
  const before = summary.run.failures.length;
  summary.run.failures = summary.run.failures.filter(
    (f) => !(BLOCKED_REQUEST.test(f.error?.message ?? '') || (f.at === 'request' && isBlocked(f.cursor))),
  );
  summary.run.stats.requests.failed -= before - summary.run.failures.length;
  for (const execution of summary.run.executions) {
    if (execution.requestError && (BLOCKED_REQUEST.test(execution.requestError.message) || isBlocked(execution.cursor)))
      delete execution.requestError;
  }
}

/** A skipped request gets the execution Newman never made, in the run's order (its token call's execution, if any, holds its test already). */
function addSkippedExecutions(summary: Summary, blocked: readonly Seen[]): void {
  const executed = new Set(summary.run.executions.map((e) => e.cursor?.ref));
  const skipped = blocked.filter((s) => !executed.has(s.cursor.ref));
  if (!skipped.length) return;
  const order = (e: { cursor?: Cursor }) => (e.cursor?.iteration ?? 0) * 1e9 + (e.cursor?.position ?? 0);
  const added = skipped.map((s) => ({
    cursor: s.cursor,
    item: s.item,
    id: (s.item as { id?: string } | undefined)?.id,
    assertions: s.assertions,
  }));
  summary.run.executions = [...summary.run.executions, ...added].sort((a, b) => order(a) - order(b));
}
