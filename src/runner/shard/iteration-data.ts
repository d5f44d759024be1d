// The rows of a -d data file, read by Newman's own loader (JSON, or CSV with its settings), so a
// shard's rows are exactly the iterations a serial run would make.
import { createRequire } from 'node:module';
import { PmOAuth2Error } from '../../errors.js';

type Loader = (
  options: Record<string, unknown>,
  done: (error: Error | null, result?: { iterationData?: unknown }) => void,
) => void;

export async function readIterationRows(location: string): Promise<unknown[]> {
  const newman = createRequire(import.meta.url).resolve('newman');
  const load = createRequire(newman)('./lib/run/options.js') as Loader;
  const rows = await new Promise<unknown>((resolve, reject) => {
    load({ iterationData: location }, (error, result) => (error ? reject(error) : resolve(result?.iterationData)));
  }).catch((error: unknown) => {
    // Newman's reason may quote the file, and a data file may hold values that are not ours to print.
    throw new PmOAuth2Error(
      'INPUT_UNREADABLE',
      `${location}: the data file could not be read as JSON or CSV — check the path given to -d, and that the file opens in newman run -d`,
      { cause: error },
    );
  });
  if (!Array.isArray(rows))
    throw new PmOAuth2Error(
      'INPUT_UNREADABLE',
      `${location}: a data file is a JSON array of objects or a CSV with a header row — this one is neither`,
    );
  return rows;
}
