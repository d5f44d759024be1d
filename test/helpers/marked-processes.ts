// Finds the processes a test started, however deep (workers of workers), by a variable in their
// environment: a child inherits it, and /proc shows it even once the parent is gone.
import { readdir, readFile } from 'node:fs/promises';

export const MARK_VARIABLE = 'PM_OAUTH2_TEST_MARK';

/** The pids of live processes whose environment has MARK_VARIABLE=mark (and each other pair given). */
export async function markedProcesses(mark: string, also: Readonly<Record<string, string>> = {}): Promise<number[]> {
  const wanted = [`${MARK_VARIABLE}=${mark}`, ...Object.entries(also).map(([k, v]) => `${k}=${v}`)];
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const environ = await readFile(`/proc/${entry}/environ`, 'latin1').catch(() => '');
    const pairs = new Set(environ.split('\0'));
    if (wanted.every((pair) => pairs.has(pair)) && !(await isZombie(entry))) pids.push(Number(entry));
  }
  return pids;
}

async function isZombie(pid: string): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return / Z /.test(stat.slice(stat.lastIndexOf(')')));
}
