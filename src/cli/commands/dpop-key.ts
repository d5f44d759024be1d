// `pm-oauth2 dpop-key`: a fresh DPoP key for the Postman app, whose sandbox has no secure random
// source to make one. The key goes to standard output (or --out, readable by its owner only), what
// to do with it to standard error, so `pm-oauth2 dpop-key | pbcopy` copies the key alone.
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import type { ArgsOf } from './args.js';
import { writeFileAtomic } from '../../files.js';
import { EXIT } from '../exit-codes.js';
import type { Terminal } from '../../terminal.js';

export type DpopKeyArgs = ArgsOf<typeof dpopKeyOptions>;

export function dpopKeyOptions(yargs: Argv) {
  return yargs
    .option('out', {
      alias: 'o',
      type: 'string',
      describe: 'write the key to this file (mode 600) instead of standard output',
    })
    .example('$0 dpop-key | pbcopy', 'copy a new key, then paste it as the value of oauth2_dpop_key (type secret)')
    .example('$0 dpop-key --out dpop-key.json', 'keep it in a file (add the file to .gitignore)');
}

export async function dpopKeyCommand(args: DpopKeyArgs, terminal: Terminal, cwd = process.cwd()): Promise<number> {
  const { newDpopKey } = await import('../../runner/node-dpop.js');
  const key = newDpopKey();
  if (args.out) {
    const file = resolve(cwd, args.out);
    await writeFileAtomic(file, `${key.jwk}\n`, 0o600);
    terminal.err(`wrote ${file}`);
  } else {
    terminal.out(key.jwk);
  }
  [
    `a new P-256 private key (ES256) as a JWK; its thumbprint, which a bound token's cnf.jkt names, is ${key.thumbprint}.`,
    'Set it as oauth2_dpop_key, type secret (in CI: the secret OAUTH2_DPOP_KEY), and oauth2_dpop=true.',
    'In the Postman app, DPoP needs the signing variant of the script (pm-oauth2 script --jwt), and, for APIs that ask for nonces, the same script as Post-response script too.',
    'Whoever has this key can use the tokens bound to it: keep it as secret as a client secret. pm-oauth2 run makes a key per run when none is set.',
  ].forEach((line) => terminal.err(line));
  return EXIT.ok;
}
