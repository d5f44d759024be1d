// A worker's command line: the user's `run` arguments as given, without --parallel, with its shard.
import { PmOAuth2Error } from '../../errors.js';

/** Options --parallel decides itself in each worker. */
const TAKEN = ['--parallel', '--shard'];

export function workerArgs(argv: readonly string[], index: number, total: number): string[] {
  const run = argv.indexOf('run');
  if (run < 0) throw new PmOAuth2Error('USAGE', '--parallel works with pm-oauth2 run');
  const rest: string[] = [];
  const args = argv.slice(run + 1);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const taken = TAKEN.find((flag) => arg === flag || arg.startsWith(`${flag}=`));
    if (!taken) rest.push(arg);
    else if (arg === taken) i++;
  }
  return ['run', ...rest, '--shard', `${index}/${total}`];
}
