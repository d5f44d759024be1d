// A job's units, as Newman runs: one run per collection, selecting its folders (--folder) or its
// data rows (iterationData), and a clock that puts each item's time on the unit it belongs to.
import type { ShardUnit } from './units.js';

export interface CollectionRun {
  /** The collection's position in the job. */
  readonly collection: number;
  readonly units: readonly ShardUnit[];
  /** What this run passes to Newman on top of the job's options. */
  readonly newmanOptions: { folder?: string[]; iterationData?: unknown[] };
  /** The data rows (0-based) its iterations run, in order: iteration i is row rows[i]. */
  readonly rows: readonly number[] | undefined;
}

export function collectionRuns(units: readonly ShardUnit[], dataRows: readonly unknown[] | undefined): CollectionRun[] {
  const runs: CollectionRun[] = [];
  for (const unit of units) {
    const last = runs[runs.length - 1];
    if (last?.collection === unit.collection) (last.units as ShardUnit[]).push(unit);
    else runs.push({ collection: unit.collection, units: [unit], newmanOptions: {}, rows: undefined });
  }
  return runs.map((run) => {
    const folders = run.units.flatMap((u) => (u.folder === undefined ? [] : [u.folder]));
    const rows = run.units.flatMap((u) => (u.row === undefined ? [] : [u.row]));
    if (folders.length) return { ...run, newmanOptions: { folder: folders } };
    if (rows.length && dataRows)
      return { ...run, newmanOptions: { iterationData: rows.map((row) => dataRows[row]) }, rows };
    return run;
  });
}

/** Adds up each unit's time from Newman's items: by top-level folder, by data row, or all of it. */
export class UnitClock {
  private readonly ms = new Map<string, number>();

  constructor(private readonly run: CollectionRun) {}

  record(topFolder: string | undefined, iteration: number, ms: number): void {
    const unit = this.unitOf(topFolder, iteration);
    if (unit) this.ms.set(unit.id, (this.ms.get(unit.id) ?? 0) + ms);
  }

  times(): Array<{ id: string; ms: number; requests: number }> {
    return this.run.units.map((u) => ({ id: u.id, ms: Math.round(this.ms.get(u.id) ?? 0), requests: u.requests }));
  }

  private unitOf(topFolder: string | undefined, iteration: number): ShardUnit | undefined {
    const { units, rows } = this.run;
    if (rows) return units.find((u) => u.row === rows[iteration]);
    if (units.some((u) => u.folder !== undefined)) return units.find((u) => u.folder === topFolder);
    return units[0];
  }
}
