// Reporter options, `--reporter-<reporter>-<option> [value]`, parsed as `newman run` parses them
// (bin/util.js parseNestedOptions): options of a named reporter go to it, others to every reporter.
// They are taken out of the command line before yargs sees it, since their names are open-ended.

const PREFIX = '--reporter-';

export interface ReporterOptions {
  /** `--reporter-<option>` without a reporter's name: for every reporter. */
  readonly generic: Record<string, string | true>;
  readonly byReporter: Record<string, Record<string, string | true>>;
}

/** Splits `--reporter-…` options (with their values) from the rest of the command line. */
export function splitReporterOptions(argv: readonly string[]): { rest: string[]; reporterArgs: string[] } {
  const rest: string[] = [];
  const reporterArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith(PREFIX)) {
      rest.push(arg);
      continue;
    }
    reporterArgs.push(arg);
    const next = argv[i + 1];
    if (!arg.includes('=') && next !== undefined && !next.startsWith('-')) reporterArgs.push(argv[++i] ?? '');
  }
  return { rest, reporterArgs };
}

const camel = (text: string): string => text.replace(/-+([a-z0-9])/gi, (_, c: string) => c.toUpperCase());

export function parseReporterOptions(reporterArgs: readonly string[], reporters: readonly string[]): ReporterOptions {
  const generic: Record<string, string | true> = {};
  const byReporter: Record<string, Record<string, string | true>> = Object.fromEntries(reporters.map((r) => [r, {}]));
  for (let i = 0; i < reporterArgs.length; i++) {
    const arg = reporterArgs[i] ?? '';
    const eq = arg.indexOf('=');
    const name = (eq === -1 ? arg : arg.slice(0, eq)).slice(PREFIX.length);
    const next = reporterArgs[i + 1];
    const takesNext = eq === -1 && next !== undefined && !next.startsWith('-');
    const value: string | true = eq !== -1 ? arg.slice(eq + 1) : takesNext ? next : true;
    if (takesNext) i++;
    const reporter = name.split('-', 1)[0] ?? '';
    if (reporters.includes(reporter) && name.length > reporter.length) {
      byReporter[reporter] ??= {};
      byReporter[reporter][camel(name.slice(reporter.length + 1))] = value;
    } else generic[camel(name)] = value;
  }
  return { generic, byReporter };
}
