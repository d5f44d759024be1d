// The commands, named and described without loading them: a command's module (and what it
// imports: Newman, the generator, the servers) loads only when that command runs.
import type { Argv } from 'yargs';
import type { Terminal } from '../../terminal.js';

export interface LoadedCommand {
  options(yargs: Argv): Argv;
  handler(args: never, terminal: Terminal): Promise<number>;
}

export interface CommandSpec {
  readonly name: string;
  /** yargs' command string: the name and its positionals. */
  readonly usage: string;
  readonly describe: string;
  /** Takes newman's `--reporter-<reporter>-<option>` options. */
  readonly takesReporterOptions?: boolean;
  load(): Promise<LoadedCommand>;
}

const loaded = (
  options: LoadedCommand['options'],
  handler: (args: never, terminal: Terminal) => Promise<number>,
): LoadedCommand => ({ options, handler });

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'init',
    usage: 'init',
    describe:
      'set up this repository: environments, configuration, CI jobs, .gitignore, npm scripts (never overwrites)',
    load: async () => import('./init.js').then((m) => loaded(m.initOptions, m.initCommand)),
  },
  {
    name: 'build',
    usage: 'build [inputs..]',
    describe: 'embed the token script and Bearer auth in collections',
    load: async () => import('./build.js').then((m) => loaded(m.buildOptions, m.buildCommand)),
  },
  {
    name: 'run',
    usage: 'run [collections..]',
    describe: 'run collections in Newman with tokens, safe defaults and redacted reports',
    takesReporterOptions: true,
    load: async () => import('./run.js').then((m) => loaded(m.runOptions, m.runCommand)),
  },
  {
    name: 'merge-reports',
    usage: 'merge-reports <dirs..>',
    describe:
      'join the reports of a run split with --shard into one JUnit, JSON reports and timings; fails on a missing shard',
    load: async () => import('./merge-reports.js').then((m) => loaded(m.mergeReportsOptions, m.mergeReportsCommand)),
  },
  {
    name: 'doctor',
    usage: 'doctor',
    describe: "check an environment's configuration, fetch one token, and say what to fix",
    load: async () => import('./doctor.js').then((m) => loaded(m.doctorOptions, m.doctorCommand)),
  },
  {
    name: 'decode',
    usage: 'decode [jwt]',
    describe: "print a JWT's header and claims (without verifying it)",
    load: async () => import('./decode.js').then((m) => loaded(m.decodeOptions, m.decodeCommand)),
  },
  {
    name: 'script',
    usage: 'script',
    describe: 'print (or --out) the pre-request script to paste into the Postman app',
    load: async () => import('./script.js').then((m) => loaded(m.scriptOptions, m.scriptCommand)),
  },
  {
    name: 'dpop-key',
    usage: 'dpop-key',
    describe: 'print (or --out) a new P-256 private key for oauth2_dpop_key (DPoP-bound tokens)',
    load: async () => import('./dpop-key.js').then((m) => loaded(m.dpopKeyOptions, m.dpopKeyCommand)),
  },
  {
    name: 'demo',
    usage: 'demo',
    describe: 'start local servers and run the packaged sample collections against them, in any folder (npm start)',
    takesReporterOptions: true,
    load: async () => import('./demo.js').then((m) => loaded(m.demoOptions, m.demoCommand)),
  },
  {
    name: 'servers',
    usage: 'servers',
    describe: 'start the local authorization server and demo API until Ctrl-C (npm run servers)',
    load: async () => import('./servers.js').then((m) => loaded(m.serversOptions, m.serversCommand)),
  },
];

/** The command a command line names: its first word that is not an option (commands take no options before them). */
export function requestedCommand(argv: readonly string[]): CommandSpec | undefined {
  const first = argv.find((arg) => !arg.startsWith('-'));
  return COMMANDS.find((command) => command.name === first);
}
