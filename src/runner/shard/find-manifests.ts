// Shard manifests under the folders a user names: CI artifact downloads nest each job's files a
// folder or two down (actions/download-artifact puts each artifact in a folder of its name).
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PmOAuth2Error } from '../../errors.js';
import { parseJsonText } from '../../json-text.js';
import { withoutBom } from '../../files.js';

const MAX_DEPTH = 4;

/** Every file with one of the names at or below each path (a path may be the file itself). */
export async function findFiles(paths: readonly string[], names: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info)
      throw new PmOAuth2Error(
        'INPUT_UNREADABLE',
        `${path}: no such file or folder — pass the folders the shards' reports were downloaded to`,
      );
    if (info.isFile()) found.push(path);
    else await walk(path, names, 0, found);
  }
  return [...new Set(found)].sort();
}

async function walk(dir: string, names: readonly string[], depth: number, found: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isFile() && names.includes(entry.name)) found.push(path);
    else if (entry.isDirectory() && depth < MAX_DEPTH && entry.name !== 'node_modules' && !entry.name.startsWith('.'))
      await walk(path, names, depth + 1, found);
  }
}

/** A JSON file, or an error naming it and where it is broken. */
export async function readJsonFile(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new PmOAuth2Error(
      'INPUT_UNREADABLE',
      `${file}: cannot be read (${error.code}) — check the permissions, or download it again`,
    );
  });
  const parsed = parseJsonText(withoutBom(text));
  if (!parsed.ok)
    throw new PmOAuth2Error(
      'INPUT_NOT_JSON',
      `${file}: not JSON (${parsed.where}) — the file is cut short or not a report; download it again`,
    );
  return parsed.value;
}
