// Run from a sub-folder of the project (`cd collections && npx pm-oauth2 run -e qa`), the defaults —
// collections/, build/collections/, environments/, .env, reports/, pm-oauth2.config.json — are the
// project's, as npm finds package.json. Paths the user types stay relative to where they typed them.
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';

const exists = async (path: string) => !!(await stat(path).catch(() => undefined));

/** The nearest folder up from `start` with pm-oauth2.config.json, else with package.json, else `start`. */
export async function findProjectRoot(start: string): Promise<string> {
  for (const marker of ['pm-oauth2.config.json', 'package.json']) {
    for (let dir = start; ; dir = dirname(dir)) {
      if (await exists(join(dir, marker))) return dir;
      if (dirname(dir) === dir) break;
    }
  }
  return start;
}
