// A shard's plan, worked out the same way in every job from the same inputs: the suite's units,
// this job's share of them, and the Newman runs that make it.
import type { Collection } from '../../generator/collection-types.js';
import { assignUnits, type UnitTimings } from './assign.js';
import { collectionRuns, type CollectionRun } from './job-runs.js';
import { readIterationRows } from './iteration-data.js';
import { planId } from './manifest.js';
import type { Shard } from './shard-option.js';
import { keptWholeBecause, unitsOf, type SplitSettings, type ShardUnit } from './units.js';

export interface ShardSettings {
  readonly shard: Shard;
  /** Measured times of an earlier run (--shard-timings). */
  readonly timings?: UnitTimings | undefined;
  /** Collections (by name or file stem) never split: pm-oauth2.config.json shard.keepWhole. */
  readonly keepWhole?: readonly string[];
}

export interface ShardPlan {
  readonly shard: Shard;
  readonly plan: string;
  readonly units: readonly ShardUnit[];
  readonly mine: readonly ShardUnit[];
  readonly runs: readonly CollectionRun[];
  /** Collections run whole, and why (printed, so a user sees what was not split). */
  readonly keptWhole: ReadonlyArray<{ readonly name: string; readonly why: string }>;
  /** keepWhole names that match none of the collections. */
  readonly unknownPins: readonly string[];
}

interface Target {
  readonly name: string;
  readonly stem: string;
  readonly collection: Collection;
}

export async function planShard(
  targets: readonly Target[],
  settings: ShardSettings,
  newmanOptions: Readonly<Record<string, unknown>>,
  iterationCount: number | undefined,
): Promise<ShardPlan> {
  const data = newmanOptions['iterationData'];
  const dataRows = typeof data === 'string' && iterationCount === undefined ? await readIterationRows(data) : undefined;
  const split: SplitSettings = {
    rows: dataRows?.length,
    folderSelected: newmanOptions['folder'] !== undefined,
    ...(iterationCount ? { iterations: iterationCount } : {}),
  };
  const pins = new Set(settings.keepWhole ?? []);
  const toSplit = targets.map((t) => ({
    stem: t.stem,
    collection: t.collection,
    pinned: pins.has(t.name) || pins.has(t.stem),
  }));
  const units = unitsOf(toSplit, split);
  const mine = assignUnits(units, settings.shard.total, settings.timings)[settings.shard.index - 1] ?? [];
  const keptWhole = dataRows
    ? []
    : targets.flatMap((t, i) => {
        const why = keptWholeBecause(toSplit[i] ?? { ...t, pinned: false }, split);
        return why ? [{ name: t.name, why }] : [];
      });
  const unknownPins = [...pins].filter((pin) => !targets.some((t) => t.name === pin || t.stem === pin));
  return {
    shard: settings.shard,
    plan: planId(units, settings.shard.total),
    units,
    mine,
    runs: collectionRuns(mine, dataRows),
    keptWhole,
    unknownPins,
  };
}
