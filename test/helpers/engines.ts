// Runs a collection in the two engines users have: Newman 6.2.2 (its programmatic API, with the cli
// and junit reporters whose output the tests search for secrets), and postman-runtime 7.56 with the
// Postman app's sandbox.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import newman from 'newman';

const require = createRequire(import.meta.url);

export interface EngineRun {
  /** Failed assertions: test name and message. */
  readonly failures: Array<{ test: string; message: string }>;
  /** Every line our scripts logged. */
  readonly consoleLines: string[];
  /** All a user could see: console, reporter output, report files. */
  readonly output: string;
  /** The active environment after the run (empty without one). */
  readonly environment: Record<string, unknown>;
}

export interface RunOptions {
  readonly environment?: Record<string, string> | undefined;
  readonly delayMs?: number;
  readonly timeoutRequestMs?: number;
}

export type Engine = (collection: object, options?: RunOptions) => Promise<EngineRun>;

const environmentJson = (values: Record<string, string>) => ({
  name: 'e2e',
  values: Object.entries(values).map(([key, value]) => ({ key, value, type: key.includes('secret') ? 'secret' : 'default', enabled: true })),
});

export const runNewman: Engine = async (collection, options = {}) => {
  const dir = await mkdtemp(join(tmpdir(), 'pm-oauth2-newman-'));
  const junit = join(dir, 'junit.xml');
  const captured: string[] = [];
  const consoleLines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    captured.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    const summary = await new Promise<newman.NewmanRunSummary>((resolve, reject) => {
      // A token request our script gave up on (its own time-out) may still end after the run, when
      // the test's server closes: its reporters must not print into the next tests' output.
      const emitter: import('node:events').EventEmitter = newman.run({
        collection,
        ...(options.environment ? { environment: environmentJson(options.environment) } : {}),
        reporters: ['cli', 'junit'],
        reporter: { junit: { export: junit } },
        delayRequest: options.delayMs ?? 0,
        timeoutRequest: options.timeoutRequestMs ?? 20_000,
      } as newman.NewmanRunOptions, (error, result) => {
        emitter.removeAllListeners().on('error', () => undefined);
        if (error) reject(error);
        else resolve(result);
      });
      emitter.on('console', (_error, args: { messages: unknown[] }) => consoleLines.push(args.messages.map(String).join(' ')));
    });
    const report = await readFile(junit, 'utf8').catch(() => '');
    return {
      failures: summary.run.failures.map((f) => ({ test: String((f.error as { test?: string }).test ?? f.error.name), message: f.error.message })),
      consoleLines,
      output: [...captured, ...consoleLines, report].join('\n'),
      environment: summary.environment.toObject(false, false) as Record<string, unknown>,
    };
  } finally {
    process.stdout.write = write;
    await rm(dir, { recursive: true, force: true });
  }
};

interface SdkScope { toObject(): Record<string, unknown> }

export const runAppEngine: Engine = async (collection, options = {}) => {
  const runtime = require('postman-runtime-app') as { Runner: new () => { run: Function } };
  const sdk = require('postman-collection') as { Collection: new (json: object) => object; VariableScope: new (json: object) => SdkScope };
  const sdkCollection = new sdk.Collection(collection);
  const environment = new sdk.VariableScope(options.environment ? environmentJson(options.environment) : {});
  const failures: EngineRun['failures'] = [];
  const consoleLines: string[] = [];
  await new Promise<void>((resolve, reject) => {
    new runtime.Runner().run(sdkCollection, {
      environment,
      timeout: { request: options.timeoutRequestMs ?? 20_000 },
      delay: { item: options.delayMs ?? 0 },
    }, (error: Error | null, run: { start(callbacks: object): void }) => {
      if (error) return reject(error);
      run.start({
        assertion: (_cursor: unknown, assertions: Array<{ name: string; error?: { message: string } }>) => {
          for (const a of assertions) if (a.error) failures.push({ test: a.name, message: a.error.message });
        },
        console: (_cursor: unknown, _level: string, ...messages: unknown[]) => consoleLines.push(messages.map(String).join(' ')),
        exception: (_cursor: unknown, err: Error) => failures.push({ test: 'exception', message: err.message }),
        done: (err: Error | null) => (err ? reject(err) : resolve()),
      });
    });
  });
  return {
    failures,
    consoleLines,
    output: [...consoleLines, ...failures.map((f) => `${f.test}: ${f.message}`)].join('\n'),
    environment: options.environment ? environment.toObject() : {},
  };
};

export const ENGINES: ReadonlyArray<[name: string, engine: Engine]> = [
  ['newman 6.2.2', runNewman],
  ['postman-runtime 7.56 (app sandbox)', runAppEngine],
];
