// The CLI: yargs commands, each a typed function, behind one error boundary that decides what a
// user sees and the exit status.
import yargs from 'yargs';
import { PmOAuth2Error } from '../errors.js';
import { COMMANDS, requestedCommand, type LoadedCommand } from './commands/index.js';
import { EXIT } from './exit-codes.js';
import { splitReporterOptions } from '../runner/reporter-options.js';
import { processTerminal, type Terminal } from '../terminal.js';
import { reportError } from './report-error.js';

export { reportError };

export async function main(argv: readonly string[], terminal: Terminal = processTerminal): Promise<number> {
  try {
    const parsed = await parseCommandLine(argv, terminal);
    return parsed.command ? await parsed.command.handler(parsed.args as never, terminal) : EXIT.ok;
  } catch (error) {
    return reportError(error, terminal);
  }
}

export interface ParsedCommandLine {
  /** The command to run; none when the line only asked for help or the version (already printed). */
  readonly command?: LoadedCommand;
  readonly args?: Record<string, unknown>;
}

/**
 * Reads a command line as the CLI does — the command, its options and positionals, strictly —
 * without running the command: main runs it, and the docs' test checks every command it shows.
 * @throws PmOAuth2Error USAGE for an unknown command or option, a missing positional, a bad value
 */
export async function parseCommandLine(argv: readonly string[], terminal: Terminal): Promise<ParsedCommandLine> {
  // Open-ended names (--reporter-junit-export, …): parsed apart, as newman run parses them.
  const { rest, reporterArgs } = splitReporterOptions(argv);
  if (rest.includes('--version') || rest[0] === '-v') {
    const { packageVersion } = await import('./version.js');
    terminal.out(await packageVersion());
    return {};
  }
  const requested = requestedCommand(rest);
  const named = rest.find((arg) => !arg.startsWith('-'));
  if (!requested && named !== undefined)
    throw new PmOAuth2Error(
      'USAGE',
      `unknown command ${JSON.stringify(named)} — the commands are ${COMMANDS.map((c) => c.name).join(', ')} (pm-oauth2 --help)`,
    );
  if (reporterArgs.length && !requested?.takesReporterOptions)
    throw new PmOAuth2Error('USAGE', `${reporterArgs[0]}: reporter options go with pm-oauth2 run (or demo)`);
  const command: LoadedCommand | undefined = await requested?.load();
  let args: Record<string, unknown> | undefined;
  let cli = yargs(rest)
    .scriptName('pm-oauth2')
    .usage('$0 <command> [options]\n\nOAuth2 client credentials for Postman collections and Newman.');
  for (const spec of COMMANDS) {
    // yargs builds only the command it runs (or shows help for): the others need no module.
    const chosen = spec === requested ? command : undefined;
    cli = cli.command(spec.usage, spec.describe, chosen ? chosen.options : {}, (parsed) => {
      if (chosen) args = { ...parsed, reporterArgs };
    });
  }
  // yargs renders the command's help before running it, in case the command shows it; wrapping that
  // text to the terminal (string widths of every option's description) is most of a run's start-up
  // in yargs — 60 ms of `pm-oauth2 run`, measured. Only --help is shown wrapped.
  const showsHelp = rest.includes('--help') || rest.includes('-h');
  if (!showsHelp) cli = cli.wrap(null);
  await cli
    .demandCommand(1, `name a command: ${COMMANDS.map((c) => c.name).join(', ')}`)
    .strict()
    .help()
    .version(false)
    .option('version', { alias: 'v', type: 'boolean', describe: 'Show the version number' })
    .fail((message, error) => {
      throw error ?? new PmOAuth2Error('USAGE', `${message} — see pm-oauth2 --help`);
    })
    .exitProcess(false)
    .parseAsync();
  return args && command ? { command, args } : {};
}
