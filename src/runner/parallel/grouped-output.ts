// A worker's output, printed a collection at a time: the lines of one `▶ collection` block go out
// together when the block is complete, so workers' lines never interleave.
export class GroupedOutput {
  private partial = '';
  private block: string[] = [];

  constructor(private readonly print: (text: string) => void) {}

  write(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('▶ ')) this.flush();
      this.block.push(line);
    }
  }

  /** The rest, when the worker is done. */
  end(): void {
    if (this.partial) this.block.push(this.partial);
    this.partial = '';
    this.flush();
  }

  private flush(): void {
    while (this.block.length && this.block[this.block.length - 1] === '') this.block.pop();
    if (this.block.length) this.print(this.block.join('\n'));
    this.block = [];
  }
}
