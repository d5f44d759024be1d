// Bundles src/script into dist/prerequest.js: one IIFE a user can paste into Postman, and that the
// generator embeds. Checks the result is sandbox-safe before writing it.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../src/files.js';
import { CACHE_VARIABLES, type ScriptVariant, VARIABLES, variantLine } from '../src/oauth/vocabulary.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const SCRIPT_PATH = join(root, 'dist', 'prerequest.js');
export const JWT_SCRIPT_PATH = join(root, 'dist', 'prerequest-jwt.js');

/** The two variants: the JWT signing code would double the script for users who need only a secret. */
const VARIANTS = [
  {
    entry: 'src/script/main.ts',
    slowPath: 'src/script/slow-path.ts',
    proofPath: undefined,
    path: SCRIPT_PATH,
    variant: 'secret',
    methods: 'client_secret_basic, client_secret_post, none',
  },
  {
    entry: 'src/script/main-jwt.ts',
    slowPath: 'src/script/slow-path-jwt.ts',
    proofPath: 'src/script/proof-path.ts',
    path: JWT_SCRIPT_PATH,
    variant: 'jwt',
    methods: 'client_secret_basic, client_secret_post, client_secret_jwt, private_key_jwt, none; DPoP',
  },
] as const;

/**
 * The sandbox skips setting up its legacy globals (tests, postman, responseBody…, which this script
 * never uses) for a script whose first 15 characters are this: about a third of what the script
 * costs per request. It must come before anything else, the banner included.
 */
export const NON_LEGACY_MARKER = '"use sandbox2";';

function banner(version: string, variant: ScriptVariant, methods: string): string {
  return [
    NON_LEGACY_MARKER,
    `// pm-oauth2 ${version}: OAuth2 client credentials pre-request script for Postman and Newman.`,
    variantLine(variant),
    `// Client authentication: ${methods}.`,
    '// Generated: edit src/script in the pm-oauth2 repository instead of this file.',
    '// The first line spares the sandbox its legacy globals, which this script does not use: keep it first.',
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

/** Builds both variants; returns the default one's text. */
export async function buildScript(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
  const [main] = await Promise.all(VARIANTS.map((variant) => buildVariant(variant, pkg.version)));
  return main ?? '';
}

const COMMON = {
  bundle: true,
  format: 'iife',
  platform: 'neutral',
  target: 'es2022',
  write: false,
  legalComments: 'none',
  // Non-ASCII text (a dash in a message) would make V8 hold the whole script as a two-byte string,
  // which every request copies and serialises into the sandbox: escaped, it stays one-byte (measured:
  // about 0.03 ms less per sandbox execution).
  charset: 'ascii',
  logLevel: 'silent',
  minify: true,
} as const;

/**
 * The slow path is bundled on its own and inlined as a string literal, compiled only when needed; the
 * hot path around it is minified too, since the sandbox compiles it per request. The literal is not
 * free: every request carries the whole script into the sandbox, whose bridge serialises it to JSON and
 * parses it back (npm run bench -- --only instructions counts what that costs), so what the small
 * variant cannot use (the DPoP half) is left out of it.
 */
async function buildVariant(variant: (typeof VARIANTS)[number], version: string): Promise<string> {
  const code = await bundleVariant(variant, version, true);
  for (const [pattern, what] of FORBIDDEN) {
    if (pattern.test(code)) throw new Error(`${variant.path} would contain ${what} (${pattern}); fix src/script`);
  }
  await writeFileAtomic(variant.path, code);
  return code;
}

/**
 * The small variant without its slow path's text, not written anywhere: for the bench, which measures
 * what carrying that text costs a request whose token is cached (such a request never runs it).
 */
export async function buildWithoutSlowPathText(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string };
  return bundleVariant(VARIANTS[0], pkg.version, false);
}

async function bundleVariant(
  variant: (typeof VARIANTS)[number],
  version: string,
  withSlowPath: boolean,
): Promise<string> {
  const slow = withSlowPath ? await build({ ...COMMON, entryPoints: [join(root, variant.slowPath)] }) : undefined;
  // The DPoP proof of a request whose token is cached: the signing code alone, a third of the slow path.
  const proof = variant.proofPath
    ? await build({ ...COMMON, entryPoints: [join(root, variant.proofPath)] })
    : undefined;
  const hot = await build({
    ...COMMON,
    entryPoints: [join(root, variant.entry)],
    define: {
      SLOW_PATH_SOURCE: JSON.stringify(slow?.outputFiles[0]?.text ?? ''),
      ...(proof ? { PROOF_PATH_SOURCE: JSON.stringify(proof.outputFiles[0]?.text ?? '') } : {}),
    },
    // The sandbox's require reaches the bundle as a parameter (see sandboxRequire in pm.d.ts).
    banner: { js: '(function (sandboxRequire) {' },
    footer: { js: '})(require);' },
  });
  return `${banner(version, variant.variant, variant.methods)}\n${hot.outputFiles[0]?.text ?? ''}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildScript();
  for (const variant of VARIANTS)
    console.log(`${variant.path.slice(root.length + 1)}: ${(await readFile(variant.path)).length} bytes`);
}
