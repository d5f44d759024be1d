// The closing summary: short, aligned, readable in a terminal and in a CI log.
import { createRequire } from 'node:module';
import type Moment from 'moment';
import type { JobResult } from './run-job.js';
import type { ParallelResult } from './parallel/run-parallel.js';

// Required, not imported: moment is CommonJS, and Node's import of it parses its 170 kB for named
// exports first (20-30 ms of every run's start-up, measured).
const moment = createRequire(import.meta.url)('moment') as typeof Moment;

export function failureCount(result: JobResult): number {
  return (
    result.collections.reduce((n, c) => n + c.outcome.failures.length + (c.outcome.error ? 1 : 0), 0) +
    result.unhandled.length +
    result.withheld.length
  );
}

export type SummaryRow = readonly [label: string, value: string];

/** `<title>: passed|FAILED`, the rows aligned, then a line for each failure: every command's closing summary. */
export function summaryLines(title: string, rows: readonly SummaryRow[], failures: readonly string[]): string[] {
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    `${title}: ${failures.length ? 'FAILED' : 'passed'}`,
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
    ...failures.map((f) => `  ✗ ${f}`),
  ];
}

export function formatSummary(result: JobResult, environmentLabel: string, now = Date.now()): string[] {
  const failures: string[] = [];
  for (const c of result.collections) {
    if (c.outcome.error) failures.push(`${c.name}: Newman stopped: ${c.outcome.error.message}`);
    for (const f of c.outcome.failures) failures.push(`${c.name} › ${f.source}: ${f.message}`);
  }
  failures.push(
    ...result.unhandled.map((message) => `a script left a promise rejection unhandled: ${message}`),
    ...result.withheld,
  );
  const rows: SummaryRow[] = [
    ['environment', environmentLabel],
    ['collections', String(result.collections.length)],
    ['requests', String(result.collections.reduce((n, c) => n + c.outcome.requests, 0))],
    ['failures', String(failures.length)],
    ['token requests', `${result.tokenStats.count} (${result.tokenStats.totalMs} ms)`],
    ...expiryRows(result.expiries, now),
    ...(result.files.length ? [['reports', result.files.join(', ')] as const] : []),
  ];
  return ['', ...summaryLines('pm-oauth2 run', rows, failures)];
}

export function formatParallelSummary(
  result: ParallelResult,
  workers: number,
  environmentLabel: string,
  now = Date.now(),
): string[] {
  const rows: SummaryRow[] = [
    ['environment', environmentLabel],
    ['workers', String(workers)],
    ['collections', String(result.collections)],
    ['requests', String(result.requests)],
    ['failures', String(result.failures.length)],
    ['token requests', `${result.tokenStats.count} (${result.tokenStats.totalMs} ms), for all workers`],
    ...expiryRows(result.expiries, now),
    ...(result.files.length ? [['reports', result.files.join(', ')] as const] : []),
  ];
  return ['', ...summaryLines('pm-oauth2 run', rows, result.failures)];
}

function expiryRows(expiries: JobResult['expiries'], now: number): SummaryRow[] {
  return expiries.map(({ profile, at }) => [
    profile ? `token expires (${profile})` : 'token expires',
    `${moment(at).format('YYYY-MM-DD HH:mm:ss')} (${moment(at).from(now)})`,
  ]);
}
