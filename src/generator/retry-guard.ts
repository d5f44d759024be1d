// While a request is sent again after a 401 (see src/oauth/retry-on-401.ts), the tests of its first,
// rejected answer must not count: the generator wraps every test script of the collection in a guard
// that skips them for that answer. The guard is inert otherwise.
import { BLOCKED_SCHEME, RETRY_MARKER } from '../oauth/vocabulary.js';
import type { CollectionEvent, Item } from './collection-types.js';

export const GUARD_FIRST_LINE =
  '// pm-oauth2: skipped for an answer that was rejected (401) and is being retried with a fresh token';
const GUARD_OPEN = `if (pm.variables.get('${RETRY_MARKER}') !== pm.info.requestId + ':' + pm.info.iteration) {`;

/**
 * The guard `pm-oauth2 run` uses instead, where a rejected answer is replayed before any test runs:
 * tests are skipped for a request the in-process auth kept from the API (it has no answer to test).
 */
const BLOCKED_GUARD_FIRST_LINE =
  '// pm-oauth2: skipped for a request that was not sent for want of a token (the failing test "pm-oauth2: access token" says why)';
const BLOCKED_GUARD_OPEN = `if (String(pm.request.url.protocol) !== '${BLOCKED_SCHEME}') {`;

type Guard = readonly [firstLine: string, open: string];
const RETRY_GUARD: Guard = [GUARD_FIRST_LINE, GUARD_OPEN];
export const BLOCKED_GUARD: Guard = [BLOCKED_GUARD_FIRST_LINE, BLOCKED_GUARD_OPEN];

export function guardTestEvents(
  events: CollectionEvent[] | undefined,
  isOurs: (event: CollectionEvent) => boolean,
  guard: Guard = RETRY_GUARD,
): void {
  for (const event of events ?? []) {
    if (event.listen !== 'test' || isOurs(event) || !event.script) continue;
    let exec = typeof event.script.exec === 'string' ? event.script.exec.split('\n') : (event.script.exec ?? []);
    if (exec[0] === guard[0] || exec.every((line) => line.trim() === '')) continue;
    // Another of our guards: replaced, never nested.
    if (exec[0] === GUARD_FIRST_LINE || exec[0] === BLOCKED_GUARD_FIRST_LINE) exec = exec.slice(2, -1);
    event.script.exec = [guard[0], guard[1], ...exec, '}'];
  }
}

/** A rebuild without retry on 401 takes our guards off again, leaving the user's tests as they were. */
export function unguardTestEvents(events: CollectionEvent[] | undefined): void {
  for (const event of events ?? []) {
    const script = event.script;
    if (event.listen !== 'test' || !script || !Array.isArray(script.exec)) continue;
    if (script.exec[0] === GUARD_FIRST_LINE || script.exec[0] === BLOCKED_GUARD_FIRST_LINE)
      script.exec = script.exec.slice(2, -1);
  }
}

export function unguardItemTests(items: Item[]): void {
  for (const item of items) {
    unguardTestEvents(item.event);
    if (Array.isArray(item.item)) unguardItemTests(item.item);
  }
}

export function guardItemTests(
  items: Item[],
  isOurs: (event: CollectionEvent) => boolean,
  guard: Guard = RETRY_GUARD,
): void {
  for (const item of items) {
    guardTestEvents(item.event, isOurs, guard);
    if (Array.isArray(item.item)) guardItemTests(item.item, isOurs, guard);
  }
}
