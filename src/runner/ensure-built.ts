// `pm-oauth2 run` with no collections named runs build/collections, building it first when it is
// missing or older than its sources, the script or pm-oauth2.config.json.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PmOAuth2Error } from '../errors.js';
import { buildCollections, DEFAULT_SCRIPT_PATHS, expandInputs, outputName } from '../generator/build.js';
import type { Terminal } from '../terminal.js';
import { CONFIG_FILE, readBuildConfig } from '../generator/build-config.js';

export const SOURCE_DIR = 'collections';
export const BUILD_DIR = 'build/collections';

const mtime = async (path: string): Promise<number | undefined> => (await stat(path).catch(() => undefined))?.mtimeMs;

export async function ensureBuilt(cwd: string, terminal: Terminal): Promise<string> {
  const sources = await expandInputs([join(cwd, SOURCE_DIR)]);
  const out = join(cwd, BUILD_DIR);
  // A newer script or build configuration makes every built collection stale.
  const script = Math.max(
    (await mtime(DEFAULT_SCRIPT_PATHS.secret)) ?? 0,
    (await mtime(DEFAULT_SCRIPT_PATHS.jwt)) ?? 0,
    (await mtime(join(cwd, CONFIG_FILE))) ?? 0,
  );
  let stale = false;
  for (const source of sources) {
    const built = await mtime(join(out, outputName(source)));
    if (built === undefined || built < Math.max((await mtime(source)) ?? 0, script)) stale = true;
  }
  if (!stale) return out;
  terminal.out(`building ${SOURCE_DIR}/ into ${BUILD_DIR}/ (missing or out of date)`);
  const config = await readBuildConfig(join(cwd, CONFIG_FILE), false);
  const outcome = await buildCollections({ inputs: [join(cwd, SOURCE_DIR)], outDir: out, config });
  for (const built of outcome.built) for (const warning of built.warnings) terminal.err(`warning: ${warning}`);
  for (const { error } of outcome.failed) terminal.err(`error [${error.code}]: ${error.message}`);
  // Running the rest, or an older build of the broken one, would report a pass for tests that never ran.
  const [first] = outcome.failed;
  if (first) {
    throw new PmOAuth2Error(
      first.error.code.startsWith('INPUT_') ? first.error.code : 'USAGE',
      `${outcome.failed.length} of the collections in ${SOURCE_DIR}/ could not be built (above); nothing was run — fix ${outcome.failed.length === 1 ? 'it' : 'them'}, or name the collections to run`,
    );
  }
  return out;
}
