// The closing summary: short, aligned, readable in a terminal and in a CI log.
import { createRequire } from 'node:module';
import type Moment from 'moment';
import type { JobResult } from './run-job.js';

// Required, not imported: moment is CommonJS, and Node's import of it parses its 170 kB for named
// exports first (20-30 ms of every run's start-up, measured).
const moment = createRequire(import.meta.url)('moment') as typeof Moment;

export function failureCount(result: JobResult): number {
  return result.collections.reduce((n, c) => n + c.outcome.failures.length + (c.outcome.error ? 1 : 0), 0) + result.unhandled.length + result.withheld.length;
}

export function formatSummary(result: JobResult, environmentLabel: string, now = Date.now()): string[] {
  const requests = result.collections.reduce((n, c) => n + c.outcome.requests, 0);
  const failures = failureCount(result);
  const rows: Array<[string, string]> = [
    ['environment', environmentLabel],
    ['collections', String(result.collections.length)],
    ['requests', String(requests)],
    ['failures', String(failures)],
    ['token requests', `${result.tokenStats.count} (${result.tokenStats.totalMs} ms)`],
  ];
  for (const { profile, at } of result.expiries) {
    rows.push([profile ? `token expires (${profile})` : 'token expires', `${moment(at).format('YYYY-MM-DD HH:mm:ss')} (${moment(at).from(now)})`]);
  }
  if (result.files.length) rows.push(['reports', result.files.join(', ')]);
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = ['', `pm-oauth2 run: ${failures ? 'FAILED' : 'passed'}`, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)];
  for (const c of result.collections) {
    if (c.outcome.error) lines.push(`  ✗ ${c.name}: Newman stopped: ${c.outcome.error.message}`);
    for (const f of c.outcome.failures) lines.push(`  ✗ ${c.name} › ${f.source}: ${f.message}`);
  }
  for (const message of result.unhandled) lines.push(`  ✗ a script left a promise rejection unhandled: ${message}`);
  for (const message of result.withheld) lines.push(`  ✗ ${message}`);
  return lines;
}
