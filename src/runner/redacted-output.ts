// Newman's cli reporter prints what scripts log and what assertions say, live: while a job runs,
// everything written to stdout and stderr passes through the redactor too.
import type { Redactor } from './redactor.js';

export interface OutputGuard {
  release(): void;
}

export function redactProcessOutput(redactor: Redactor): OutputGuard {
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((stream) => stream.write.bind(stream));
  streams.forEach((stream, i) => {
    const write = originals[i] as typeof stream.write;
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) =>
      (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(
        typeof chunk === 'string' ? redactor.redact(chunk) : redactor.redact(Buffer.from(chunk).toString('utf8')),
        ...rest,
      )) as typeof stream.write;
  });
  return { release: () => streams.forEach((stream, i) => (stream.write = originals[i] as typeof stream.write)) };
}
