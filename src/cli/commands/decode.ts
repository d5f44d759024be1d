import type { Argv } from 'yargs';
import type { ArgsOf } from './args.js';
import { PmOAuth2Error } from '../../errors.js';
import { decodeJwt } from '../../oauth/jwt.js';
import { EXIT } from '../exit-codes.js';
import type { Terminal } from '../../terminal.js';

export type DecodeArgs = ArgsOf<typeof decodeOptions>;

export function decodeOptions(yargs: Argv) {
  return yargs
    .positional('jwt', { type: 'string', describe: 'the token (a JWT); - or nothing reads it from standard input' })
    .example('$0 decode eyJhbGciOi…', 'show the header and the claims')
    .example('pbpaste | $0 decode -', 'the same, keeping the token out of the shell history');
}

export async function decodeCommand(
  args: DecodeArgs,
  terminal: Terminal,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<number> {
  // yargs turns a lone "-" into an empty string.
  const fromStdin = !args.jwt || args.jwt === '-';
  const token = (fromStdin ? await readAll(stdin) : (args.jwt ?? '')).trim().replace(/^Bearer\s+/i, '');
  if (!token)
    throw new PmOAuth2Error(
      'USAGE',
      `no token given${fromStdin ? ' on standard input' : ''} — pass it as an argument, or pipe it in: pbpaste | pm-oauth2 decode -`,
    );
  const decoded = decodeJwt(token);
  if (!decoded)
    throw new PmOAuth2Error(
      'USAGE',
      "not a JWT (three base64url parts of JSON, separated by dots) — opaque tokens have nothing to decode; ask the server's introspection endpoint instead",
    );
  terminal.err('warning: the signature was NOT verified — never base a decision on these claims');
  terminal.out('header:');
  terminal.out(JSON.stringify(decoded.header, null, 2));
  terminal.out('claims:');
  terminal.out(JSON.stringify(decoded.claims, null, 2));
  for (const claim of ['iat', 'nbf', 'exp']) {
    const value = decoded.claims[claim];
    if (typeof value === 'number')
      terminal.out(
        `${claim}: ${new Date(value * 1000).toISOString()} (${(await loadMoment())(value * 1000).fromNow()})`,
      );
  }
  return EXIT.ok;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

/** moment is loaded when a date is shown: `pm-oauth2 --help` and the other commands do without it. */
async function loadMoment(): Promise<typeof import('moment')> {
  return (await import('moment')).default;
}
