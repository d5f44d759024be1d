import type { Argv } from 'yargs';
import { DEMO_ADMIN_CLIENT, DEMO_CLIENT } from '../../servers/demo-clients.js';
import type { Terminal } from '../terminal.js';
import { runCommand, runOptions, type RunArgs } from './run.js';
import { describeStack } from './servers.js';

export function demoOptions(yargs: Argv): Argv<RunArgs> {
  return runOptions(yargs).example('$0 demo', 'what npm start does: local servers, the sample collections, --env local') as Argv<RunArgs>;
}

/**
 * `npm start`: the whole job on a fresh machine with nothing configured — local servers, the sample
 * collections built and run with --env local, the summary, the servers stopped.
 */
export async function demoCommand(args: RunArgs, terminal: Terminal): Promise<number> {
  const { startLocalStack } = await import('../../servers/local-stack.js');
  const stack = await startLocalStack();
  try {
    describeStack(stack).forEach((line) => terminal.out(line));
    const secrets = { oauth2_client_secret: DEMO_CLIENT.clientSecret, oauth2_admin_client_secret: DEMO_ADMIN_CLIENT.clientSecret };
    const overrides = Object.entries({ ...stack.overrides, ...secrets }).map(([k, v]) => `${k}=${v}`);
    return await runCommand({ ...args, env: args.env ?? 'local', envVar: [...overrides, ...args.envVar] }, terminal);
  } finally {
    await stack.close();
  }
}
