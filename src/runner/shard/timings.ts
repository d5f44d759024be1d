// --shard-timings: the time each unit took in an earlier run, from its shards' manifests or from
// the timings file merge-reports writes, so the next split is balanced by time, not by count.
import { stat } from 'node:fs/promises';
import { PmOAuth2Error } from '../../errors.js';
import type { UnitTimings } from './assign.js';
import { findFiles, readJsonFile } from './find-manifests.js';
import { checkManifest, MANIFEST_FILE, type UnitTime } from './manifest.js';

export const TIMINGS_FILE = 'pm-oauth2-timings.json';
export const TIMINGS_FORMAT = 'pm-oauth2-timings/1';

export interface TimingsFile {
  readonly format: typeof TIMINGS_FORMAT;
  readonly units: readonly UnitTime[];
}

/**
 * The timings under a path. A path that does not exist is not an error (a pipeline's first run has
 * no earlier one): the caller balances by request count and says so.
 */
export async function readTimings(path: string): Promise<UnitTimings | undefined> {
  if (!(await stat(path).catch(() => undefined))) return undefined;
  const timings = new Map<string, number>();
  for (const file of await findFiles([path], [MANIFEST_FILE, TIMINGS_FILE])) {
    for (const unit of unitTimesIn(await readJsonFile(file), file)) timings.set(unit.id, unit.ms);
  }
  return timings;
}

function unitTimesIn(json: unknown, file: string): readonly UnitTime[] {
  if ((json as Partial<TimingsFile> | null)?.format === TIMINGS_FORMAT) {
    const units = (json as TimingsFile).units;
    if (Array.isArray(units) && units.every((u) => typeof u?.id === 'string' && Number.isFinite(u.ms) && u.ms >= 0))
      return units;
    throw new PmOAuth2Error(
      'INPUT_NOT_JSON',
      `${file}: a timings file with malformed units — delete it, or run merge-reports again`,
    );
  }
  const manifest = checkManifest(json, file);
  if (typeof manifest === 'string') throw new PmOAuth2Error('INPUT_NOT_JSON', `--shard-timings: ${manifest}`);
  return manifest.ran;
}
