import type { Argv } from 'yargs';
import type { ArgsOf } from './args.js';
import { DEMO_ADMIN_CLIENT, DEMO_CLIENT, LOCAL_API_PORT, LOCAL_AUTH_PORT } from '../../servers/demo-clients.js';
import type { LocalStack } from '../../servers/local-stack.js';
import { EXIT } from '../exit-codes.js';
import { PmOAuth2Error } from '../../errors.js';
import type { Terminal } from '../../terminal.js';

export type ServersArgs = ArgsOf<typeof serversOptions>;

export function serversOptions(yargs: Argv) {
  return yargs
    .option('auth-port', {
      type: 'number',
      default: LOCAL_AUTH_PORT,
      describe: 'port of the authorization server (127.0.0.1)',
    })
    .option('api-port', { type: 'number', default: LOCAL_API_PORT, describe: 'port of the demo API (127.0.0.1)' })
    .example('$0 servers', 'start both, print what to put into Postman, stop with Ctrl-C');
}

export function describeStack(stack: LocalStack): string[] {
  return [
    `authorization server  ${stack.auth.issuer}  (token endpoint ${stack.auth.tokenUrl})`,
    `demo API              ${stack.api.url}  (GET /api/… needs a token, GET /health does not)`,
    `demo client           oauth2_client_id=${DEMO_CLIENT.clientId}  oauth2_client_secret=${DEMO_CLIENT.clientSecret}  (exists only on this machine)`,
    `admin profile client  oauth2_admin_client_id=${DEMO_ADMIN_CLIENT.clientId}  oauth2_admin_client_secret=${DEMO_ADMIN_CLIENT.clientSecret}`,
  ];
}

/** Runs until interrupted, so a user can point Postman at the servers. */
export async function serversCommand(args: ServersArgs, terminal: Terminal): Promise<number> {
  for (const [flag, port] of [
    ['--auth-port', args.authPort],
    ['--api-port', args.apiPort],
  ] as const) {
    if (!Number.isInteger(port) || port < 0 || port > 65_535)
      throw new PmOAuth2Error(
        'USAGE',
        `${flag} takes a port from 1 to 65535 (0: any free one), not ${Number.isNaN(port) ? 'a word' : port} — leave it out for ${flag === '--auth-port' ? LOCAL_AUTH_PORT : LOCAL_API_PORT}, the port Postman is pointed at`,
      );
  }
  const { startLocalStack } = await import('../../servers/local-stack.js');
  const stack = await startLocalStack({ auth: args.authPort, api: args.apiPort, exact: true });
  describeStack(stack).forEach((line) => terminal.out(line));
  terminal.out('Press Ctrl-C to stop.');
  await untilStopped();
  await stack.close();
  return EXIT.ok;
}

/**
 * Until a signal, or until the process that started this one is gone: `npm run servers` runs us
 * under a shell, and stopping npm does not always reach us — we would keep the ports.
 */
function untilStopped(): Promise<void> {
  const parent = process.ppid;
  return new Promise<void>((resolve) => {
    const stop = () => {
      clearInterval(watch);
      resolve();
    };
    const watch = setInterval(() => {
      if (process.ppid !== parent) stop();
    }, 500);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, stop);
  });
}
