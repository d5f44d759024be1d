// The scale-out section of docs/benchmarks.md, between markers, so `npm run bench -- --only scale-out`
// can redo it alone.
import { show } from './stats.js';
import type { ScaleOutResult } from './scale-out.js';

export const SCALE_OUT_START = '<!-- scale-out -->';
export const SCALE_OUT_END = '<!-- /scale-out -->';

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export function scaleOutChecks(r: ScaleOutResult): Check[] {
  return [
    { name: 'simulated matrix, n = 4, with timings: the longest shard ≤ 0.30 × serial', ok: r.ratio.byTimings <= 0.3, detail: `${r.ratio.byTimings.toFixed(3)} (balance ${r.balance.byTimings.toFixed(3)})` },
    { name: 'simulated matrix, n = 4, by request count: the longest shard ≤ 0.35 × serial', ok: r.ratio.byCount <= 0.35, detail: `${r.ratio.byCount.toFixed(3)} (balance ${r.balance.byCount.toFixed(3)})` },
    { name: '--parallel 2 on this machine: ≤ 0.60 × serial, one token request', ok: r.ratio.parallel2 <= 0.6 && r.parallelTokenRequests === 1, detail: `${r.ratio.parallel2.toFixed(3)}, ${r.parallelTokenRequests} token request` },
    { name: 'merge of 4 shards\' reports (2,000 requests) well under a second (≤ 0.5 s)', ok: r.mergeMs.median <= 500, detail: `${r.mergeMs.median.toFixed(0)} ms` },
  ];
}

export function scaleOutMarkdown(r: ScaleOutResult, rounds: number): string {
  return [
    SCALE_OUT_START,
    '## Scale-out: `--shard`, `--parallel`, `merge-reports`',
    '',
    `A ${r.requests}-request suite (8 collections × 5 folders of 10 to 90 requests) against a local API, each run a process of its own (\`node bin/pm-oauth2.js run\`, json reporter, as shards write it), ${rounds} round(s). The simulated matrix runs the 4 shards one after another, each alone, as CI jobs on separate machines would; the figure is the longest shard. "By timings" balances with the times the by-count shards measured (\`--shard-timings\`).`,
    '',
    '| | wall time | × serial | balance (max / mean) |',
    '|---|---|---|---|',
    `| serial \`pm-oauth2 run\` | ${show(r.serialMs, 'ms', 0)} | 1 | |`,
    `| longest of 4 shards, by request count | ${show(r.shardsMs.byCount, 'ms', 0)} | ${r.ratio.byCount.toFixed(3)} | ${r.balance.byCount.toFixed(3)} |`,
    `| longest of 4 shards, by timings | ${show(r.shardsMs.byTimings, 'ms', 0)} | ${r.ratio.byTimings.toFixed(3)} | ${r.balance.byTimings.toFixed(3)} |`,
    `| \`--parallel 2\` (one token request) | ${show(r.parallel2Ms, 'ms', 0)} | ${r.ratio.parallel2.toFixed(3)} | |`,
    `| \`merge-reports\` of the 4 shards (in process) | ${show(r.mergeMs, 'ms', 0)} | | |`,
    '',
    'A shard keeps the fixed costs of a job (the process start, about a second, and a Newman run for each collection it touches, about 0.2 s each) on a quarter of the requests; shares are dealt so that a collection stays in one job where the balance allows. A CPU profile of one shard shows the process idle for about half its wall time (the local API and Newman\'s per-request scheduling): on this 2-core machine, where the API shares the cores, two workers cannot halve that.',
    SCALE_OUT_END,
  ].join('\n');
}

/** The document with its scale-out section replaced (or added at the end). */
export function withScaleOutSection(document: string, section: string): string {
  const start = document.indexOf(SCALE_OUT_START);
  const end = document.indexOf(SCALE_OUT_END);
  if (start < 0 || end < start) return `${document.trimEnd()}\n\n${section}\n`;
  return `${document.slice(0, start)}${section}${document.slice(end + SCALE_OUT_END.length)}`;
}
