import { join, resolve } from 'node:path';
import type { Argv } from 'yargs';
import type { ArgsOf } from './args.js';
import { EXIT } from '../exit-codes.js';
import { findProjectRoot } from '../project-root.js';
import type { Terminal } from '../../terminal.js';
import { summaryLines, type SummaryRow } from '../../runner/summary.js';

export type MergeReportsArgs = ArgsOf<typeof mergeReportsOptions>;

export function mergeReportsOptions(yargs: Argv) {
  return yargs
    .positional('dirs', {
      type: 'string',
      array: true,
      demandOption: true,
      describe: "the shards' report folders (or one folder above them all)",
    })
    .option('out', {
      type: 'string',
      describe: 'folder for the merged junit.xml, JSON reports and timings [default: reports/ in the project]',
    })
    .example('$0 merge-reports shards/', "every shard's reports downloaded under shards/: one junit.xml in reports/")
    .example('$0 merge-reports reports/shard-*-of-4 --out reports/merged', 'shards run on one machine');
}

export async function mergeReportsCommand(
  args: MergeReportsArgs,
  terminal: Terminal,
  cwd = process.cwd(),
): Promise<number> {
  const { mergeReports } = await import('../../runner/merge/merge-reports.js');
  const out = args.out === undefined ? join(await findProjectRoot(cwd), 'reports') : resolve(cwd, args.out);
  const merged = await mergeReports(
    args.dirs.map((dir) => resolve(cwd, dir)),
    out,
  );
  const rows: SummaryRow[] = [
    ['shards', `${merged.shards.length} (${merged.shards.map((s) => s.dir).join(', ')})`],
    ['collections', String(merged.collections)],
    ['requests', String(merged.requests)],
    ['failures', String(merged.failures.length)],
    ['token requests', `${merged.tokenRequests} (over ${merged.shards.length} jobs)`],
    ['reports', merged.files.join(', ')],
  ];
  for (const line of summaryLines('pm-oauth2 merge-reports', rows, merged.failures)) terminal.out(line);
  return merged.failures.length ? EXIT.failures : EXIT.ok;
}
