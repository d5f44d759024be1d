// Reading and writing the files users hand us and the ones we leave: nothing half-written, no BOM taken for content.
import { chmod, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { PmOAuth2Error } from './errors.js';

/** Writes to a temporary file beside the target, then renames: never a half-written file. */
export async function writeFileAtomic(file: string, content: string, mode?: number): Promise<void> {
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(temporary, content, mode === undefined ? {} : { mode });
    // The umask narrows a new file's mode: the one asked for is set as it is.
    if (mode !== undefined) await chmod(temporary, mode);
    await rename(temporary, file);
  } catch (error) {
    // Nothing may hide the write's own error: a missing folder makes rm fail too (ENOTDIR).
    await rm(temporary, { force: true }).catch(() => undefined);
    throw new PmOAuth2Error(
      'OUTPUT_WRITE_FAILED',
      `${file}: cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}) — check that the output folder is writable`,
      { cause: error },
    );
  }
}

/**
 * A file's text without its UTF-8 byte-order mark: editors on Windows (and PowerShell's Out-File)
 * write one, and JSON.parse and the .env parser take it for content.
 */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
