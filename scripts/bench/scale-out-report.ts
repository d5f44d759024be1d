// The scale-out section of docs/benchmarks.md, between markers, so `npm run bench -- --only scale-out`
// can redo it alone.
import { show } from './stats.js';
import type { ScaleOutProfile, ScaleOutResult } from './scale-out.js';

export const SCALE_OUT_START = '<!-- scale-out -->';
export const SCALE_OUT_END = '<!-- /scale-out -->';

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export function scaleOutChecks(r: ScaleOutResult): Check[] {
  const { local } = r;
  return [
    {
      name: 'simulated matrix, n = 4, with timings: the longest shard ≤ 0.30 × serial (local API)',
      ok: local.ratio.byTimings <= 0.3,
      detail: `${local.ratio.byTimings.toFixed(3)} (balance ${local.balance.byTimings.toFixed(3)}; a perfect split: ${local.floors.idealShardRatio.toFixed(3)}); ${r.remote.ratio.byTimings.toFixed(3)} with a ${r.remote.latencyMs} ms API`,
    },
    {
      name: 'simulated matrix, n = 4, by request count: the longest shard ≤ 0.35 × serial (local API)',
      ok: local.ratio.byCount <= 0.35,
      detail: `${local.ratio.byCount.toFixed(3)} (balance ${local.balance.byCount.toFixed(3)}; a perfect split: ${local.floors.idealShardRatio.toFixed(3)}); ${r.remote.ratio.byCount.toFixed(3)} with a ${r.remote.latencyMs} ms API`,
    },
    {
      name: '--parallel 2 on this machine: ≤ 0.60 × serial, one token request (local API)',
      ok: local.ratio.parallel2 <= 0.6 && local.parallelTokenRequests === 1,
      detail: `${local.ratio.parallel2.toFixed(3)} (the serial run's CPU on 2 cores: ${local.floors.parallel2Ratio.toFixed(3)}); ${r.remote.ratio.parallel2.toFixed(3)} with a ${r.remote.latencyMs} ms API; one token request each`,
    },
    {
      name: "merge of 4 shards' reports (2,000 requests), as a CI merge job runs it: well under a second (≤ 0.5 s)",
      ok: r.mergeCliMs.median <= 500,
      detail: `${r.mergeCliMs.median.toFixed(0)} ms (the merge's own work, in process: ${r.mergeMs.median.toFixed(0)} ms)`,
    },
  ];
}

export function scaleOutMarkdown(r: ScaleOutResult, rounds: number): string {
  const rows = (p: ScaleOutProfile, api: string) => [
    `| ${api}: serial \`pm-oauth2 run\` | ${show(p.serialMs, 'ms', 0)} | 1 | |`,
    `| ${api}: serial, with Newman's own timers (\`PM_OAUTH2_EXACT_TIMERS=1\`) | ${show(p.serialExactTimersMs, 'ms', 0)} | ${(p.serialExactTimersMs.median / p.serialMs.median).toFixed(3)} | |`,
    `| ${api}: longest of 4 shards, by request count | ${show(p.shardsMs.byCount, 'ms', 0)} | ${p.ratio.byCount.toFixed(3)} | ${p.balance.byCount.toFixed(3)} |`,
    `| ${api}: longest of 4 shards, by timings | ${show(p.shardsMs.byTimings, 'ms', 0)} | ${p.ratio.byTimings.toFixed(3)} | ${p.balance.byTimings.toFixed(3)} |`,
    `| ${api}: \`--parallel 2\` (one token request) | ${show(p.parallel2Ms, 'ms', 0)} | ${p.ratio.parallel2.toFixed(3)} | |`,
    `| ${api}, bound: a job's fixed cost (\`pm-oauth2 run\` of one request) | ${show(p.floors.jobFixedMs, 'ms', 0)} | ${(p.floors.jobFixedMs.median / p.serialMs.median).toFixed(3)} | |`,
    `| ${api}, for comparison: \`newman run\` of the same one request | ${show(p.floors.newmanFixedMs, 'ms', 0)} | ${(p.floors.newmanFixedMs.median / p.serialMs.median).toFixed(3)} | |`,
    `| ${api}, bound: a perfect split into 4 (that cost + a quarter of the rest) | | ${p.floors.idealShardRatio.toFixed(3)} | 1 |`,
    `| ${api}, bound: 2 workers on 2 cores (the serial run's CPU, ${show(p.floors.serialCpuMs, 'ms', 0)}, over both) | | ${p.floors.parallel2Ratio.toFixed(3)} | |`,
  ];
  return [
    SCALE_OUT_START,
    '## Scale-out: `--shard`, `--parallel`, `merge-reports`',
    '',
    `A ${r.requests}-request suite (8 collections × 5 folders of 10 to 90 requests), each run a process of its own (\`node bin/pm-oauth2.js run\`, json reporter, as shards write it), ${rounds} round(s), against a local API that answers at once (the runner's own cost, CPU-bound) and against one that answers after ${r.remote.latencyMs} ms (as an API across a network does). The simulated matrix runs the 4 shards one after another, each alone, as CI jobs on separate machines would; the figure is the longest shard. "By timings" balances with the times the by-count shards measured (\`--shard-timings\`).`,
    '',
    '| | wall time | × serial | balance (max / mean) |',
    '|---|---|---|---|',
    ...rows(r.local, 'local API'),
    ...rows(r.remote, `${r.remote.latencyMs} ms API`),
    `| \`pm-oauth2 merge-reports\` of the 4 shards, a process of its own (as a CI merge job runs it) | ${show(r.mergeCliMs, 'ms', 0)} | | |`,
    `| the merge's own work, in process, its modules loaded | ${show(r.mergeMs, 'ms', 0)} | | |`,
    '',
    "Newman takes each step of a request in a new turn of the event loop with a zero-delay timer, which Node makes 1 ms: about 7 ms of every request were spent waiting (a CPU profile showed a shard idle 80 % of the time). `pm-oauth2 run` makes those timers immediates while Newman runs (the row with Newman's own timers shows what that saves); a run against a local API is now CPU-bound.",
    '',
    `**What the machine allows.** Every job pays a fixed cost before its first request and after its last: the process, Newman's modules, a Newman run and the reports. Measured as a run of one request, it is ${r.local.floors.jobFixedMs.median.toFixed(0)} ms for \`pm-oauth2 run\`, and ${r.local.floors.newmanFixedMs.median.toFixed(0)} ms for \`newman run\` itself: most of it is Newman's start, which no tool that runs Newman avoids. A split into 4 cannot beat that cost plus a quarter of the rest of the serial run: ${r.local.floors.idealShardRatio.toFixed(3)} × serial against the local API, where the serial run is short because each request is cheap, and ${r.remote.floors.idealShardRatio.toFixed(3)} against the ${r.remote.latencyMs} ms API. So against the local API, the goals of 0.35 (by count) and 0.30 (by timings) are below what a perfect split achieves on this machine. Against an API that takes time to answer, as a CI job's API across a network does, the longest shard by count is ${(r.remote.ratio.byCount / r.remote.floors.idealShardRatio).toFixed(2)} × that bound. Likewise \`--parallel 2\` cannot finish before the serial run's CPU time (the runner's and the API's, which share the 2 cores here) is spread over both cores: ${r.local.floors.parallel2Ratio.toFixed(3)} × serial against the local API. It gains where the API takes time to answer and the workers wait on it side by side.`,
    '',
    `\`merge-reports\` as a CI merge job runs it is a process of its own: Node, the CLI, and Newman's JUnit reporter (so that the merged JUnit is the one Newman writes), then the merge's work.`,
    '',
    "Balancing by timings uses each unit's measured time, and the first requests of a job run several times slower than the rest while Node compiles Newman's code and the job fetches its token (41 ms for the first here, 5 to 10 ms for the next fifty, 2 ms after): that time lands on whichever units ran first in each job of the run the timings come from. Against the local API, where a request costs 2 ms, that is enough to make those units look several times as costly, so by timings is no better than by count there; where requests take longer, as against the 10 ms API, it is small beside the units' own times. Timings pay off when units differ in time per request (a folder of slow endpoints), which counting requests cannot see.",
    SCALE_OUT_END,
  ].join('\n');
}

/** The document with its scale-out section replaced (or added at the end). */
export function withScaleOutSection(document: string, section: string): string {
  return withSection(document, [SCALE_OUT_START, SCALE_OUT_END], section);
}

/** The section between these markers, the markers included; undefined when the document lacks them. */
export function sectionOf(document: string, [startMarker, endMarker]: readonly [string, string]): string | undefined {
  const start = document.indexOf(startMarker);
  const end = document.indexOf(endMarker);
  return start < 0 || end < start ? undefined : document.slice(start, end + endMarker.length);
}

/** The document with the section between these markers replaced (or added at the end); the section carries its markers. */
export function withSection(
  document: string,
  [startMarker, endMarker]: readonly [string, string],
  section: string,
): string {
  const start = document.indexOf(startMarker);
  const end = document.indexOf(endMarker);
  if (start < 0 || end < start) return `${document.trimEnd()}\n\n${section}\n`;
  return `${document.slice(0, start)}${section}${document.slice(end + endMarker.length)}`;
}
