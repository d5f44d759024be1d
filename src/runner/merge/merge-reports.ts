// `pm-oauth2 merge-reports`: the shards' reports made into the reports of one run — one JUnit for
// CI, one JSON report per collection, the timings for the next split — after checking that the
// shards are complete (shard-set.ts).
import { join } from 'node:path';
import { PmOAuth2Error } from '../../errors.js';
import { writeFileAtomic } from '../../files.js';
import { mergeJunit } from '../reports.js';
import { readJsonFile } from '../shard/find-manifests.js';
import { TIMINGS_FILE, TIMINGS_FORMAT, type TimingsFile } from '../shard/timings.js';
import { junitFromJson } from './junit-from-json.js';
import { mergeJsonReports, type NewmanJsonReport, type ShardReport } from './merge-json.js';
import { readShardSet, unitsNotRun, type ShardReports } from './shard-set.js';

export interface MergeOutcome {
  readonly shards: readonly ShardReports[];
  readonly collections: number;
  readonly requests: number;
  readonly tokenRequests: number;
  /** Each shard's failures, and each unit a shard did not get to. */
  readonly failures: readonly string[];
  readonly files: readonly string[];
}

export async function mergeReports(paths: readonly string[], outDir: string): Promise<MergeOutcome> {
  const shards = await readShardSet(paths);
  const files: string[] = [];
  const collections = await mergeCollections(shards, (stem) => reportsOf(stem, shards));
  for (const { stem, report } of collections) files.push(await write(join(outDir, `${stem}.json`), jsonText(report)));
  if (collections.length)
    files.push(await write(join(outDir, 'junit.xml'), mergeJunit(collections.map((c) => junitFromJson(c.report)))));
  const timings: TimingsFile = { format: TIMINGS_FORMAT, units: shards.flatMap((s) => s.manifest.ran) };
  files.push(await write(join(outDir, TIMINGS_FILE), `${JSON.stringify(timings, null, 2)}\n`));
  return {
    shards,
    collections: collections.length,
    requests: shards.reduce((n, s) => n + s.manifest.requests, 0),
    tokenRequests: shards.reduce((n, s) => n + s.manifest.tokenRequests, 0),
    failures: [
      ...shards.flatMap((s) => s.manifest.failures.map((f) => `shard ${s.manifest.shard.index}: ${f}`)),
      ...unitsNotRun(shards),
    ],
    files,
  };
}

/**
 * Each collection's merged JSON report, in the plan's order; a collection no shard reported is left
 * out. The callers make the files they need from it (jsonText, junitFromJson): the JUnit alone costs
 * Newman's reporter modules and about half a second for 2,000 requests.
 */
export async function mergeCollections(
  shards: readonly ShardReports[],
  partsOf: (stem: string) => Promise<ShardReport[]>,
): Promise<Array<{ stem: string; report: NewmanJsonReport }>> {
  const out = [];
  for (const stem of collectionStems(shards)) {
    const parts = await partsOf(stem);
    if (parts.length) out.push({ stem, report: mergeJsonReports(parts) });
  }
  return out;
}

/** A merged report as Newman's json reporter writes one. */
export function jsonText(report: NewmanJsonReport): string {
  return JSON.stringify(report, null, 2);
}

/** The collections in the order of the plan (a serial run's order). */
function collectionStems(shards: readonly ShardReports[]): string[] {
  const units = shards[0]?.manifest.units ?? [];
  const stems = [...new Set(shards.flatMap((s) => s.manifest.collections.map((c) => c.stem)))];
  const first = (stem: string) =>
    units.findIndex((id) => id === stem || id.startsWith(`${stem}/`) || id.startsWith(`${stem}#`));
  return stems.sort((a, b) => first(a) - first(b));
}

async function reportsOf(stem: string, shards: readonly ShardReports[]): Promise<ShardReport[]> {
  const parts: ShardReport[] = [];
  for (const { manifest, dir } of shards) {
    for (const collection of manifest.collections.filter((c) => c.stem === stem)) {
      const file = join(dir, collection.report);
      const report = await readJsonFile(file).catch((error: unknown) => {
        throw error instanceof PmOAuth2Error && error.code === 'INPUT_UNREADABLE'
          ? new PmOAuth2Error(
              'INPUT_UNREADABLE',
              `shard ${manifest.shard.index}/${manifest.shard.total}: its JSON report ${file} is missing or unreadable — upload the shard's whole --report-dir`,
              { cause: error },
            )
          : error;
      });
      if (!isNewmanReport(report))
        throw new PmOAuth2Error(
          'INPUT_NOT_JSON',
          `${file}: not a Newman JSON report (no run.executions) — upload the shard's whole --report-dir`,
        );
      parts.push({ report, rows: collection.rows });
    }
  }
  return parts;
}

function isNewmanReport(json: unknown): json is NewmanJsonReport {
  const run = (json as Partial<NewmanJsonReport> | null)?.run;
  return (
    !!run &&
    Array.isArray(run.executions) &&
    Array.isArray(run.failures) &&
    !!run.stats &&
    typeof (json as NewmanJsonReport).collection === 'object'
  );
}

async function write(file: string, text: string): Promise<string> {
  await writeFileAtomic(file, text);
  return file;
}
