// The pieces a suite can be split into without changing what it means. A top-level folder is a
// unit (variables chain inside it); a data-file row is one (iterations are independent by
// definition); anything else — a collection pinned whole, one with requests beside its folders, one
// whose scripts call setNextRequest (which may jump anywhere) — is run whole.
import { PmOAuth2Error } from '../../errors.js';
import { isFolder, type Collection, type Item } from '../../generator/collection-types.js';
import { isOurs } from '../../generator/embed.js';

export interface ShardUnit {
  /** Stable across jobs and runs: `<stem>`, `<stem>/<folder>`, or `<stem>#<row>` (1-based). */
  readonly id: string;
  /** The collection's position in the job: units run in this order, as a serial run would. */
  readonly collection: number;
  readonly folder?: string;
  /** The data row (0-based) this unit runs. */
  readonly row?: number;
  /** Requests the unit sends (times the iterations): its cost when no timings are known. */
  readonly requests: number;
}

export interface CollectionToSplit {
  readonly stem: string;
  readonly collection: Collection;
  /** Kept whole by pm-oauth2.config.json (shard.keepWhole). */
  readonly pinned: boolean;
}

export interface SplitSettings {
  /** Rows of the -d data file, when rows are the unit. */
  readonly rows: number | undefined;
  /** -n without a data file: every unit runs this many iterations. @default 1 */
  readonly iterations?: number;
  /** --folder was given: Newman selects the folders, and the collection is not split further. */
  readonly folderSelected: boolean;
}

/** Why a collection is run whole, or undefined when its top-level folders are the units. */
export function keptWholeBecause(target: CollectionToSplit, settings: SplitSettings): string | undefined {
  const items = target.collection.item;
  if (target.pinned) return 'pinned by pm-oauth2.config.json shard.keepWhole';
  if (settings.folderSelected) return '--folder selects its folders';
  if (!items.length) return 'it has no items';
  if (!items.every(isFolder)) return 'it has requests outside folders';
  const names = items.map((i) => i.name ?? '');
  if (new Set(names).size !== names.length) return 'two of its top-level folders have the same name';
  if (callsSetNextRequest(target.collection)) return 'its scripts call setNextRequest, which may jump between folders';
  return items.length === 1 ? 'it has one folder' : undefined;
}

export function unitsOf(targets: readonly CollectionToSplit[], settings: SplitSettings): ShardUnit[] {
  const stems = targets.map((t) => t.stem);
  const twice = stems.find((stem, i) => stems.indexOf(stem) !== i);
  if (twice)
    throw new PmOAuth2Error(
      'USAGE',
      `two collections are named ${twice}: shards are told apart by file name — rename one`,
    );
  return targets.flatMap((target, collection) => unitsOfOne(target, collection, settings));
}

function unitsOfOne(target: CollectionToSplit, collection: number, settings: SplitSettings): ShardUnit[] {
  const requests = countRequests(target.collection.item);
  if (settings.rows !== undefined) {
    return Array.from({ length: settings.rows }, (_, row) => ({
      id: `${target.stem}#${row + 1}`,
      collection,
      row,
      requests,
    }));
  }
  const iterations = settings.iterations ?? 1;
  if (keptWholeBecause(target, settings) !== undefined)
    return [{ id: target.stem, collection, requests: requests * iterations }];
  return target.collection.item.map((folder) => ({
    id: `${target.stem}/${folder.name ?? ''}`,
    collection,
    folder: folder.name ?? '',
    requests: countRequests([folder]) * iterations,
  }));
}

export function countRequests(items: readonly Item[]): number {
  return items.reduce((n, item) => n + (isFolder(item) ? countRequests(item.item ?? []) : 1), 0);
}

/** The team's own scripts (ours stop a request with skipRequest, never by jumping). */
function callsSetNextRequest(item: Item): boolean {
  const scripts = (item.event ?? [])
    .filter((e) => !isOurs(e))
    .map((e) => e.script?.exec)
    .map((exec) => (Array.isArray(exec) ? exec.join('\n') : String(exec ?? '')));
  return scripts.some((s) => s.includes('setNextRequest')) || (item.item ?? []).some(callsSetNextRequest);
}
