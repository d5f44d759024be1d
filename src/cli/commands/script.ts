// `pm-oauth2 script`: the pasteable pre-request script, so nobody has to find dist/ inside
// node_modules. The script goes to standard output (or --out), the paste instructions to standard
// error, so `pm-oauth2 script | pbcopy` copies the script alone.
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import type { ArgsOf } from './args.js';
import { DEFAULT_SCRIPT_PATHS, readScripts } from '../../generator/build.js';
import { writeFileAtomic } from '../../files.js';
import { EXIT } from '../exit-codes.js';
import type { Terminal } from '../../terminal.js';

export type ScriptArgs = ArgsOf<typeof scriptOptions>;

export function scriptOptions(yargs: Argv) {
  return yargs
    .option('jwt', {
      type: 'boolean',
      default: false,
      describe:
        'the variant that also signs client assertions (client_secret_jwt, private_key_jwt) and DPoP proofs; larger',
    })
    .option('out', { alias: 'o', type: 'string', describe: 'write the script to this file instead of standard output' })
    .example('$0 script | pbcopy', "copy the script, then paste it into the collection's Pre-request script")
    .example('$0 script --jwt --out prerequest.js', 'the JWT client authentication variant, in a file');
}

/** Where the script goes in the Postman app, and what else the collection needs. */
export const PASTE_INSTRUCTIONS = [
  'Paste it in the Postman app: open the collection (or a folder) → Scripts → Pre-request, and paste it there.',
  'Then, on the same collection → Authorization: Auth Type "Bearer Token", Token {{oauth2_access_token}}.',
  'Set oauth2_token_url, oauth2_client_id and oauth2_client_secret (type secret) in the environment.',
  'To renew and retry once after a 401, paste the same script into Scripts → Post-response too (a second script run per request).',
  '`pm-oauth2 build` does all of this for a collection file (--retry-on-401 for the second part).',
  'DPoP-bound tokens (oauth2_dpop=true) need the --jwt variant, a key from `pm-oauth2 dpop-key` in oauth2_dpop_key, and the Post-response script for APIs that ask for nonces.',
];

export async function scriptCommand(args: ScriptArgs, terminal: Terminal, cwd = process.cwd()): Promise<number> {
  const scripts = await readScripts(DEFAULT_SCRIPT_PATHS);
  const script = `${args.jwt ? scripts.jwt : scripts.secret}\n`;
  if (args.out) {
    const file = resolve(cwd, args.out);
    await writeFileAtomic(file, script);
    terminal.err(`wrote ${file} (${Buffer.byteLength(script)} bytes${args.jwt ? ', the JWT variant' : ''})`);
  } else {
    terminal.out(script.trimEnd());
  }
  PASTE_INSTRUCTIONS.forEach((line) => terminal.err(line));
  return EXIT.ok;
}
