// The manifest a shard leaves in its report folder (manifest.ts): written last, after every report,
// so a job that crashed leaves none and merge-reports names it as missing.
import { join } from 'node:path';
import { writeFileAtomic } from '../../files.js';
import type { Terminal } from '../../terminal.js';
import type { JobResult } from '../run-job.js';
import { MANIFEST_FILE, MANIFEST_FORMAT, type ShardManifest } from './manifest.js';
import type { Shard } from './shard-option.js';

/** reports/shard-2-of-4: a shard's default folder, so shards run on one machine keep apart. */
export function shardFolder(shard: Shard): string {
  return `shard-${shard.index}-of-${shard.total}`;
}

export async function writeShardManifest(
  reportDir: string,
  result: JobResult,
  summary: readonly string[],
  terminal: Terminal,
): Promise<void> {
  const manifest = shardManifest(result, summary);
  if (!manifest) return;
  const file = join(reportDir, MANIFEST_FILE);
  await writeFileAtomic(file, `${JSON.stringify(manifest, null, 2)}\n`);
  result.files.push(file);
  terminal.out(`  │ pm-oauth2: shard manifest ${file}`);
}

/** The manifest of a shard's run; its failures are the summary's failure lines (redacted). */
export function shardManifest(result: JobResult, summary: readonly string[]): ShardManifest | undefined {
  const outcome = result.shard;
  if (!outcome) return undefined;
  return {
    format: MANIFEST_FORMAT,
    shard: outcome.plan.shard,
    plan: outcome.plan.plan,
    units: outcome.plan.units.map((u) => u.id),
    assigned: outcome.plan.mine.map((u) => u.id),
    ran: outcome.ran,
    collections: outcome.collections,
    requests: result.collections.reduce((n, c) => n + c.outcome.requests, 0),
    tokenRequests: result.tokenStats.count,
    failures: summary.filter((line) => line.startsWith('  ✗ ')).map((line) => line.slice(4)),
  };
}
