// The shards of one run, read from their manifests and checked to be complete: every job of the
// plan once, every unit once. A gap is never a pass: a job that crashed left no manifest.
import { dirname } from 'node:path';
import { PmOAuth2Error } from '../../errors.js';
import { findFiles, readJsonFile } from '../shard/find-manifests.js';
import { checkManifest, MANIFEST_FILE, type ShardManifest } from '../shard/manifest.js';

export interface ShardReports {
  readonly manifest: ShardManifest;
  /** The folder the manifest and its reports are in. */
  readonly dir: string;
}

export async function readShardSet(paths: readonly string[]): Promise<ShardReports[]> {
  const files = await findFiles(paths, [MANIFEST_FILE]);
  if (!files.length) {
    throw new PmOAuth2Error(
      'INPUT_UNREADABLE',
      `no shard manifest (${MANIFEST_FILE}) under ${paths.join(', ')} — pass the folders the shards' reports were downloaded to (each shard runs with --shard i/n and keeps its --report-dir)`,
    );
  }
  const shards: ShardReports[] = [];
  for (const file of files) {
    const manifest = checkManifest(await readJsonFile(file), file);
    if (typeof manifest === 'string') throw new PmOAuth2Error('INPUT_NOT_JSON', manifest);
    shards.push({ manifest, dir: dirname(file) });
  }
  const problems = completenessProblems(shards);
  if (problems.length)
    throw new PmOAuth2Error(
      'CONFIG_INVALID',
      `the shards do not make one complete run; nothing was merged:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  return shards.sort((a, b) => a.manifest.shard.index - b.manifest.shard.index);
}

/** Every reason the shards are not one whole run, at once. */
export function completenessProblems(shards: readonly ShardReports[]): string[] {
  const [first] = shards;
  if (!first) return ['no shards'];
  const { total } = first.manifest.shard;
  const others = shards.filter((s) => s.manifest.shard.total !== total || s.manifest.plan !== first.manifest.plan);
  if (others.length) {
    return others.map(
      (s) =>
        `${s.dir} is shard ${s.manifest.shard.index}/${s.manifest.shard.total} of another split (plan ${s.manifest.plan}) than ${first.dir} (${first.manifest.shard.index}/${total}, plan ${first.manifest.plan}): the jobs ran different collections, data or pm-oauth2.config.json — merge the shards of one run`,
    );
  }
  const problems: string[] = [];
  for (let index = 1; index <= total; index++) {
    const found = shards.filter((s) => s.manifest.shard.index === index);
    if (!found.length)
      problems.push(
        `shard ${index}/${total} is missing: no ${MANIFEST_FILE} for it — its job failed before the end or its reports were not uploaded; re-run it`,
      );
    if (found.length > 1)
      problems.push(
        `shard ${index}/${total} is there ${found.length} times (${found.map((s) => s.dir).join(', ')}) — keep one`,
      );
  }
  if (problems.length) return problems;
  return unitProblems(shards);
}

function unitProblems(shards: readonly ShardReports[]): string[] {
  const ranBy = new Map<string, number[]>();
  for (const { manifest } of shards)
    for (const id of manifest.assigned) ranBy.set(id, [...(ranBy.get(id) ?? []), manifest.shard.index]);
  const problems: string[] = [];
  const planned = shards[0]?.manifest.units ?? [];
  for (const id of planned) {
    const by = ranBy.get(id) ?? [];
    if (!by.length)
      problems.push(
        `${id} was in no shard's share — the jobs split the suite differently (were they given different --shard-timings?)`,
      );
    if (by.length > 1)
      problems.push(
        `${id} was in the shares of shards ${by.join(' and ')} — the jobs split the suite differently (were they given different --shard-timings?)`,
      );
  }
  for (const id of ranBy.keys())
    if (!planned.includes(id)) problems.push(`${id} was in a shard's share, and is not part of the plan`);
  return problems;
}

/** Units a shard was given and did not run (it stopped early: --bail, or Newman could not go on): each a failure. */
export function unitsNotRun(shards: readonly ShardReports[]): string[] {
  return shards.flatMap(({ manifest }) => {
    const ran = new Set(manifest.ran.map((u) => u.id));
    return manifest.assigned
      .filter((id) => !ran.has(id))
      .map((id) => `${id} was not run: shard ${manifest.shard.index}/${manifest.shard.total} stopped before it`);
  });
}
