// What each shard leaves beside its reports, so merge-reports can tell a complete set of shards
// from one with a job missing, run twice, or run from other inputs, and so the next run can
// balance by the times measured here (--shard-timings).
import { createHash } from 'node:crypto';
import type { Shard } from './shard-option.js';
import type { ShardUnit } from './units.js';

export const MANIFEST_FILE = 'pm-oauth2-shard.json';
export const MANIFEST_FORMAT = 'pm-oauth2-shard/1';

export interface UnitTime {
  readonly id: string;
  readonly ms: number;
  readonly requests: number;
}

export interface ManifestCollection {
  readonly stem: string;
  readonly name: string;
  /** The JSON report of this collection's run, beside the manifest. */
  readonly report: string;
  /** The data rows (0-based) of its iterations, when rows were split. */
  readonly rows: readonly number[] | null;
}

export interface ShardManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly shard: Shard;
  /** The same for every job of one suite split the same way: a hash of the shard count and every unit. */
  readonly plan: string;
  /** Every unit of the plan, in the order a serial run reaches them. */
  readonly units: readonly string[];
  /** The units this job was given. */
  readonly assigned: readonly string[];
  /** The units this job ran, with the time each took. */
  readonly ran: readonly UnitTime[];
  readonly collections: readonly ManifestCollection[];
  readonly requests: number;
  readonly tokenRequests: number;
  /** The failures, as the run's summary lists them (redacted). */
  readonly failures: readonly string[];
}

export function planId(units: readonly ShardUnit[], total: number): string {
  return createHash('sha256')
    .update(JSON.stringify([total, units.map((u) => u.id)]))
    .digest('hex')
    .slice(0, 16);
}

/** A manifest read from disk, checked field by field: merge-reports trusts nothing it did not check. */
export function checkManifest(json: unknown, file: string): ShardManifest | string {
  const m = json as Partial<ShardManifest> | null;
  if (!m || typeof m !== 'object' || m.format !== MANIFEST_FORMAT)
    return `${file}: not a pm-oauth2 shard manifest (format ${MANIFEST_FORMAT}) — was it written by another version of pm-oauth2?`;
  const shard = m.shard;
  const ok =
    shard &&
    Number.isInteger(shard.index) &&
    Number.isInteger(shard.total) &&
    shard.index >= 1 &&
    shard.index <= shard.total &&
    typeof m.plan === 'string' &&
    isList(m.units, (u) => typeof u === 'string') &&
    isList(m.assigned, (u) => typeof u === 'string') &&
    isList(m.ran, (r) => typeof (r as UnitTime)?.id === 'string' && Number.isFinite((r as UnitTime).ms)) &&
    isList(
      m.collections,
      (c) =>
        typeof (c as ManifestCollection)?.stem === 'string' && typeof (c as ManifestCollection).report === 'string',
    ) &&
    isList(m.failures, (f) => typeof f === 'string') &&
    Number.isFinite(m.requests) &&
    Number.isFinite(m.tokenRequests);
  return ok
    ? (m as ShardManifest)
    : `${file}: a shard manifest with missing or malformed fields — re-run the shard, or delete the file`;
}

function isList(value: unknown, each: (item: unknown) => boolean): boolean {
  return Array.isArray(value) && value.every(each);
}
