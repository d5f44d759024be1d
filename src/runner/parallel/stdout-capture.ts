// The parent's own share of a --parallel job runs in this process, and Newman's cli reporter writes
// to process.stdout directly: while it runs, what reaches stdout is taken into that share's grouped
// output, and the parent's own lines (the other workers' blocks, the token) go out past it.
export interface StdoutCapture {
  /** Writes to the real stdout, past the capture. */
  print(line: string): void;
  /** Ends the capture; what still comes through it (from a wrapper installed on top) goes out. */
  release(): void;
}

export function captureStdout(take: (chunk: string) => void): StdoutCapture {
  const stream = process.stdout;
  const original = stream.write;
  const write = original.bind(stream) as (chunk: string, ...rest: unknown[]) => boolean;
  let capturing = true;
  const capture = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (!capturing) return write(text, ...rest);
    take(text);
    const done = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    if (done) queueMicrotask(done);
    return true;
  }) as typeof stream.write;
  stream.write = capture;
  return {
    print: (line) => void write(`${line}\n`),
    release: () => {
      capturing = false;
      // A wrapper on top of the capture (the share's redaction, when a signal ends the job first) stays.
      if (stream.write === capture) stream.write = original;
    },
  };
}
