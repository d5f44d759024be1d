/** Where the CLI writes: injectable, so tests can run commands in-process and read what they print. */
export interface Terminal {
  out(line: string): void;
  err(line: string): void;
}

export const processTerminal: Terminal = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};
