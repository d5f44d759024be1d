// Runs a collection in the engines users have: Newman 6.2.2 (its programmatic API, with the cli and
// junit reporters whose output the tests search for secrets), the older Newmans still pinned in CI
// images (5.3.2 and 6.0.0 have no pm.execution, 6.1.3 has), and postman-runtime 7.56 with the
// Postman app's sandbox.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import newman from 'newman';

const require = createRequire(import.meta.url);

/** The newman CLI of the oldest and the newest supported version, for runs as a CI job makes them. */
export const PLAIN_NEWMAN_CLI: Readonly<Record<string, string>> = {
  '5.3.2': require.resolve('newman-5.3.2/bin/newman.js'),
  '6.2.2': require.resolve('newman/bin/newman.js'),
};

export interface EngineRun {
  /** Failed assertions and requests: test name and message (not the requests the script blocked). */
  readonly failures: Array<{ test: string; message: string }>;
  /** Requests the script stopped by pointing them at its blocked URL (engines without skipRequest). */
  readonly blocked: number;
  /** Every line our scripts logged. */
  readonly consoleLines: string[];
  /** All a user could see: console, reporter output, report files. */
  readonly output: string;
  /** The active environment after the run (empty without one). */
  readonly environment: Record<string, unknown>;
}

export interface RunOptions {
  readonly environment?: Record<string, string> | undefined;
  /** The environment's name; '' gives one without a name, as Newman's API and some CI wrappers do. @default 'e2e' */
  readonly environmentName?: string;
  /** One object per iteration, as a data file (-d) gives them. */
  readonly iterationData?: ReadonlyArray<Record<string, string>>;
  readonly delayMs?: number;
  readonly timeoutRequestMs?: number;
  /** The engine's own redirect setting: newman's --ignore-redirects, the app's "Automatically follow redirects". @default true */
  readonly followRedirects?: boolean;
}

export type Engine = (collection: object, options?: RunOptions) => Promise<EngineRun>;

const environmentJson = (values: Record<string, string>, name = 'e2e') => ({
  ...(name ? { name } : {}),
  values: Object.entries(values).map(([key, value]) => ({
    key,
    value,
    type: key.includes('secret') ? 'secret' : 'default',
    enabled: true,
  })),
});

type NewmanModule = typeof newman;

/** How an engine reports a request sent to the script's blocked URL (src/script/fail-closed.ts). */
const BLOCKED = /Invalid protocol: pm-oauth2-no-token/;

/** Newman of one version: the project's own, or an npm alias (newman-5.3.2, …). */
export function newmanEngine(module: NewmanModule): Engine {
  return (collection, options) => runNewmanWith(module, collection, options);
}

export const runNewman: Engine = newmanEngine(newman);

async function runNewmanWith(
  newmanModule: NewmanModule,
  collection: object,
  options: RunOptions = {},
): Promise<EngineRun> {
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
      const emitter: import('node:events').EventEmitter = newmanModule.run(
        {
          collection,
          ...(options.environment
            ? { environment: environmentJson(options.environment, options.environmentName) }
            : {}),
          ...(options.iterationData ? { iterationData: options.iterationData } : {}),
          reporters: ['cli', 'junit'],
          reporter: { junit: { export: junit } },
          delayRequest: options.delayMs ?? 0,
          timeoutRequest: options.timeoutRequestMs ?? 20_000,
          ...(options.followRedirects === false ? { ignoreRedirects: true } : {}),
        } as newman.NewmanRunOptions,
        (error, result) => {
          emitter.removeAllListeners().on('error', () => undefined);
          if (error) reject(error);
          else resolve(result);
        },
      );
      emitter.on('console', (_error, args: { messages: unknown[] }) =>
        consoleLines.push(args.messages.map(String).join(' ')),
      );
    });
    const report = await readFile(junit, 'utf8').catch(() => '');
    const failures = summary.run.failures.map((f) => ({
      test: String((f.error as { test?: string }).test ?? f.error.name),
      message: f.error.message,
    }));
    return {
      failures: failures.filter((f) => !BLOCKED.test(f.message)),
      blocked: failures.length - failures.filter((f) => !BLOCKED.test(f.message)).length,
      consoleLines,
      output: [...captured, ...consoleLines, report].join('\n'),
      environment: summary.environment.toObject(false, false) as Record<string, unknown>,
    };
  } finally {
    process.stdout.write = write;
    await rm(dir, { recursive: true, force: true });
  }
}

interface SdkScope {
  toObject(): Record<string, unknown>;
}

export const runAppEngine: Engine = async (collection, options = {}) => {
  const runtime = require('postman-runtime-app') as { Runner: new () => { run: (...args: unknown[]) => unknown } };
  const sdk = require('postman-collection') as {
    Collection: new (json: object) => object;
    VariableScope: new (json: object) => SdkScope;
  };
  const sdkCollection = new sdk.Collection(collection);
  const environment = new sdk.VariableScope(
    options.environment ? environmentJson(options.environment, options.environmentName) : {},
  );
  const failures: EngineRun['failures'] = [];
  const consoleLines: string[] = [];
  await new Promise<void>((resolve, reject) => {
    new runtime.Runner().run(
      sdkCollection,
      {
        environment,
        timeout: { request: options.timeoutRequestMs ?? 20_000 },
        ...(options.iterationData ? { data: options.iterationData, iterationCount: options.iterationData.length } : {}),
        delay: { item: options.delayMs ?? 0 },
        ...(options.followRedirects === false ? { requester: { followRedirects: false } } : {}),
      },
      (error: Error | null, run: { start(callbacks: object): void }) => {
        if (error) return reject(error);
        run.start({
          assertion: (_cursor: unknown, assertions: Array<{ name: string; error?: { message: string } }>) => {
            for (const a of assertions) if (a.error) failures.push({ test: a.name, message: a.error.message });
          },
          console: (_cursor: unknown, _level: string, ...messages: unknown[]) =>
            consoleLines.push(messages.map(String).join(' ')),
          exception: (_cursor: unknown, err: Error) => failures.push({ test: 'exception', message: err.message }),
          done: (err: Error | null) => (err ? reject(err) : resolve()),
        });
      },
    );
  });
  return {
    failures: failures.filter((f) => !BLOCKED.test(f.message)),
    blocked: failures.filter((f) => BLOCKED.test(f.message)).length,
    consoleLines,
    output: [...consoleLines, ...failures.map((f) => `${f.test}: ${f.message}`)].join('\n'),
    environment: options.environment ? environment.toObject() : {},
  };
};

export const ENGINES: ReadonlyArray<[name: string, engine: Engine]> = [
  ['newman 6.2.2', runNewman],
  ['postman-runtime 7.56 (app sandbox)', runAppEngine],
];

/** Newmans still pinned in CI images: 5.3.2 and 6.0.0 lack pm.execution (no skipRequest, no location). */
export const OLDER_NEWMANS: ReadonlyArray<[name: string, engine: Engine]> = [
  ['newman 5.3.2', newmanEngine(require('newman-5.3.2') as NewmanModule)],
  ['newman 6.0.0', newmanEngine(require('newman-6.0.0') as NewmanModule)],
  ['newman 6.1.3', newmanEngine(require('newman-6.1.3') as NewmanModule)],
];

/** Every engine the script must hold in. */
export const ALL_ENGINES: ReadonlyArray<[name: string, engine: Engine]> = [...ENGINES, ...OLDER_NEWMANS];
