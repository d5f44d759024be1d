// Every place a run will write is checked before the first request: a --report-dir that is a file,
// or a folder that cannot be written, would otherwise be found after the whole run, with its
// results lost.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { PmOAuth2Error } from '../errors.js';

/** A folder that exists and is writable, or can be made: its nearest existing ancestor is a writable folder. */
export async function checkOutputFolder(folder: string, option: string): Promise<void> {
  const path = resolve(folder);
  const existing = await nearestExisting(path);
  if (!existing.isDirectory) {
    const what = existing.path === path ? 'is a file, not a folder' : `cannot be made: ${existing.path} is a file`;
    throw new PmOAuth2Error('USAGE', `${option} ${folder} ${what} — name a folder (it is made when missing)`);
  }
  await assertWritable(existing.path, `${option} ${folder}`);
}

/** A report file: not a folder, in a folder that is or can be made writable. */
export async function checkOutputFile(file: string): Promise<void> {
  const path = resolve(file);
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory())
    throw new PmOAuth2Error(
      'USAGE',
      `${file} is a folder — name the report file (e.g. ${file.replace(/\/+$/, '')}/report${path.endsWith('.xml') ? '' : '.xml'})`,
    );
  if (info) return assertWritable(path, file);
  await checkOutputFolder(dirname(path), `the folder of ${file},`);
}

async function nearestExisting(path: string): Promise<{ path: string; isDirectory: boolean }> {
  for (let current = path; ; current = dirname(current)) {
    const info = await stat(current).catch(() => undefined);
    if (info) return { path: current, isDirectory: info.isDirectory() };
    if (dirname(current) === current) return { path: current, isDirectory: true };
  }
}

async function assertWritable(path: string, what: string): Promise<void> {
  try {
    await access(path, constants.W_OK);
  } catch (error) {
    throw new PmOAuth2Error(
      'USAGE',
      `${what}: ${path} is not writable (${(error as NodeJS.ErrnoException).code ?? 'EACCES'}) — choose another place, or fix its permissions`,
      { cause: error },
    );
  }
}
