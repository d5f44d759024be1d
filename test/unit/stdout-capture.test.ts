import assert from 'node:assert/strict';
import { captureStdout } from '../../src/runner/parallel/stdout-capture.js';

describe("captureStdout: a --parallel job's own share, grouped as a worker's", () => {
  let written: string[];
  let real: typeof process.stdout.write;

  beforeEach(() => {
    written = [];
    real = process.stdout.write;
    process.stdout.write = ((chunk: string) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
  });
  afterEach(() => {
    process.stdout.write = real;
  });

  it("takes what reaches stdout (Newman's cli reporter writes there) and lets the parent's own lines past", async () => {
    const taken: string[] = [];
    const capture = captureStdout((chunk) => taken.push(chunk));
    let called = false;
    process.stdout.write('→ GET /a\n', () => (called = true));
    process.stdout.write(Buffer.from('  200 OK\n'));
    capture.print('▶ a block of another worker');
    await Promise.resolve();
    assert.ok(called, "a writer's callback is called, as the stream would");
    assert.deepEqual(taken, ['→ GET /a\n', '  200 OK\n']);
    assert.deepEqual(written, ['▶ a block of another worker\n']);
    capture.release();
    process.stdout.write('after\n');
    assert.deepEqual(written, ['▶ a block of another worker\n', 'after\n'], 'released: stdout is itself again');
  });

  it('released under a wrapper installed on top of it (the share still running), keeps the wrapper and passes its writes on', () => {
    const taken: string[] = [];
    const capture = captureStdout((chunk) => taken.push(chunk));
    const below = process.stdout.write;
    process.stdout.write = ((chunk: string) =>
      below.call(process.stdout, chunk.replace('secret', '***'))) as typeof process.stdout.write;
    capture.release();
    process.stdout.write('a secret line\n');
    assert.deepEqual(taken, []);
    assert.deepEqual(written, ['a *** line\n'], 'the redacting wrapper still applies');
  });
});
