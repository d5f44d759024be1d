import { readFile } from 'node:fs/promises';

/** package.json's version, read when asked: the CLI's start-up does without it. */
export async function packageVersion(): Promise<string> {
  return (JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;
}
