// The CLI: yargs commands, each a typed function, behind one error boundary that decides what a
// user sees and the exit status.
import yargs from 'yargs';
import { PmOAuth2Error } from '../errors.js';
import { buildCommand, buildOptions } from './commands/build.js';
import { decodeCommand, decodeOptions } from './commands/decode.js';
import { demoCommand, demoOptions } from './commands/demo.js';
import { doctorCommand, doctorOptions } from './commands/doctor.js';
import { runCommand, runOptions } from './commands/run.js';
import { serversCommand, serversOptions } from './commands/servers.js';
import { EXIT } from './exit-codes.js';
import { processTerminal, type Terminal } from './terminal.js';

export async function main(argv: readonly string[], terminal: Terminal = processTerminal): Promise<number> {
  let exitCode: number = EXIT.ok;
  const run = (command: () => Promise<number>) => async () => {
    exitCode = await command();
  };
  try {
    await yargs([...argv])
      .scriptName('pm-oauth2')
      .usage('$0 <command> [options]\n\nOAuth2 client credentials for Postman collections and Newman.')
      .command('build [inputs..]', 'embed the token script and Bearer auth in collections', buildOptions, (args) => run(() => buildCommand(args, terminal))())
      .command('run [collections..]', 'run collections in Newman with tokens, safe defaults and redacted reports', runOptions, (args) => run(() => runCommand(args, terminal))())
      .command('doctor', 'check an environment\'s configuration, fetch one token, and say what to fix', doctorOptions, (args) => run(() => doctorCommand(args, terminal))())
      .command('decode [jwt]', 'print a JWT\'s header and claims (without verifying it)', decodeOptions, (args) => run(() => decodeCommand(args, terminal))())
      .command('demo', 'start local servers and run the sample collections against them (npm start)', demoOptions, (args) => run(() => demoCommand(args, terminal))())
      .command('servers', 'start the local authorization server and demo API until Ctrl-C (npm run servers)', serversOptions, (args) => run(() => serversCommand(args, terminal))())
      .demandCommand(1, 'name a command: build, run, doctor, decode, demo, servers')
      .strict()
      .help()
      .version(false)
      .fail((message, error) => {
        throw error ?? new PmOAuth2Error('USAGE', `${message} — see pm-oauth2 --help`);
      })
      .exitProcess(false)
      .parseAsync();
    return exitCode;
  } catch (error) {
    return reportError(error, terminal);
  }
}

function reportError(error: unknown, terminal: Terminal): number {
  if (error instanceof PmOAuth2Error) {
    terminal.err(`error [${error.code}]: ${error.message}`);
    return error.code === 'USAGE' || error.code === 'CONFIG_INVALID' || error.code === 'ENVIRONMENT_INVALID' || error.code === 'SCRIPT_NOT_BUILT' ? EXIT.usage : EXIT.failures;
  }
  terminal.err(`internal error: ${error instanceof Error ? error.stack ?? error.message : String(error)}\nThis is a bug in pm-oauth2: please report it with the command you ran.`);
  return EXIT.internal;
}
