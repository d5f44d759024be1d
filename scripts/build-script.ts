// Bundles src/script into dist/prerequest.js: one IIFE a user can paste into Postman, and that the
// generator embeds. Checks the result is sandbox-safe before writing it.
import { build } from 'esbuild';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CACHE_VARIABLES, VARIABLES } from '../src/oauth/variables.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SCRIPT_PATH = join(root, 'dist', 'prerequest.js');

function banner(version: string): string {
  return [
    `// pm-oauth2 ${version}: OAuth2 client credentials pre-request script for Postman and Newman.`,
    '// Generated: edit src/script in the pm-oauth2 repository instead of this file.',
    `// Reads: ${Object.values(VARIABLES).join(', ')}.`,
    `// Writes: ${Object.values(CACHE_VARIABLES).join(', ')}.`,
  ].join('\n');
}

/** Patterns that would break in the sandbox, or betray a Node import that slipped in. */
const FORBIDDEN: ReadonlyArray<[RegExp, string]> = [
  [/^\s*(import|export)\s/m, 'an import/export statement'],
  [/__require|\brequire\((?!["']crypto-js["']\))/, 'a require of something other than crypto-js'],
  [/\b(globalThis|TextEncoder|URLSearchParams|structuredClone)\b/, 'a global the Newman sandbox lacks'],
];

export async function buildScript(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
  const result = await build({
    entryPoints: [join(root, 'src/script/main.ts')],
    bundle: true,
    format: 'iife',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    legalComments: 'none',
    charset: 'utf8',
    // The sandbox's require reaches the bundle as a parameter (see sandboxRequire in pm.d.ts).
    banner: { js: '(function (sandboxRequire) {' },
    footer: { js: '})(require);' },
    logLevel: 'silent',
  });
  const code = `${banner(pkg.version)}\n${result.outputFiles[0]?.text ?? ''}`;
  for (const [pattern, what] of FORBIDDEN) {
    if (pattern.test(code)) throw new Error(`dist/prerequest.js would contain ${what} (${pattern}); fix src/script`);
  }
  await mkdir(dirname(SCRIPT_PATH), { recursive: true });
  const temporary = `${SCRIPT_PATH}.${process.pid}.tmp`;
  await writeFile(temporary, code);
  await rename(temporary, SCRIPT_PATH);
  return code;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const code = await buildScript();
  console.log(`dist/prerequest.js: ${code.length} bytes`);
}
