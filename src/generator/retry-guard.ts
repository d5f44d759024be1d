// While a request is sent again after a 401 (see src/oauth/retry-on-401.ts), the tests of its first,
// rejected answer must not count: the generator wraps every test script of the collection in a guard
// that skips them for that answer. The guard is inert otherwise.
import { RETRY_MARKER } from '../oauth/variables.js';
import type { CollectionEvent, Item } from './collection-types.js';

export const GUARD_FIRST_LINE = '// pm-oauth2: skipped for an answer that was rejected (401) and is being retried with a fresh token';
const GUARD_OPEN = `if (pm.variables.get('${RETRY_MARKER}') !== pm.info.requestId + ':' + pm.info.iteration) {`;

export function guardTestEvents(events: CollectionEvent[] | undefined, isOurs: (event: CollectionEvent) => boolean): void {
  for (const event of events ?? []) {
    if (event.listen !== 'test' || isOurs(event) || !event.script) continue;
    const exec = typeof event.script.exec === 'string' ? event.script.exec.split('\n') : event.script.exec ?? [];
    if (exec[0] === GUARD_FIRST_LINE || exec.every((line) => line.trim() === '')) continue;
    event.script.exec = [GUARD_FIRST_LINE, GUARD_OPEN, ...exec, '}'];
  }
}

export function guardItemTests(items: Item[], isOurs: (event: CollectionEvent) => boolean): void {
  for (const item of items) {
    guardTestEvents(item.event, isOurs);
    if (Array.isArray(item.item)) guardItemTests(item.item, isOurs);
  }
}
