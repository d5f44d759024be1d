// One collection through Newman's programmatic API, with our safer defaults.
import type { EventEmitter } from 'node:events';
import newman from 'newman';
import { FAILURE_TEST_NAME } from '../oauth/vocabulary.js';
import { recordTokenRequest, type TokenStats } from './token-stats.js';
import { BLOCKED_REQUEST, trackBlockedRequests } from './blocked-requests.js';
import { withImmediateTimers } from './immediate-timers.js';

export interface EnvironmentJson {
  name: string;
  values: Array<{ key: string; value: string; type: 'default' | 'secret'; enabled: true }>;
}

export interface NewmanRunOptions {
  readonly collection: object;
  readonly environment: EnvironmentJson;
  readonly globals?: EnvironmentJson;
  /** newman run's own options, passed as they are (newman-options.ts). */
  readonly newmanOptions?: Readonly<Record<string, unknown>>;
  readonly reporters: readonly string[];
  readonly reporterOptions: Record<string, object>;
  readonly timeoutRequestMs: number;
  readonly bail: boolean | readonly string[];
  readonly iterationCount: number | undefined;
  readonly tokenUrls: ReadonlySet<string>;
  readonly tokenStats: TokenStats;
  /** Receives what scripts log, instead of the cli reporter, which wraps long lines (a token, split, escapes redaction). */
  readonly onConsole?: (level: string, messages: unknown[]) => void;
  /**
   * The body of each token response the collection's script received, as it arrives: the token in
   * it is masked before any script can print it, under whatever name the script stores it.
   */
  readonly onTokenResponse?: (body: string) => void;
  /**
   * Receives each report a reporter is about to export (its path and content) and says whether it
   * took it; a report taken is never written by Newman (reports.ts keeps it in memory).
   */
  readonly takeExport?: (path: unknown, content: unknown) => boolean;
  /**
   * Redacts live objects in place (Redactor.redactInPlace): what scripts log, before any reporter
   * records it, and the run's executions and failures, before any reporter makes its report.
   */
  readonly redactInPlace?: (root: unknown) => void;
  /** The in-process auth's reason for each request it kept from the API, in order (fast path only). */
  readonly takeBlockedReason?: () => string | undefined;
  /** Each item's time, with its top-level folder and iteration: a shard's unit timings. */
  readonly onItemTimed?: (topFolder: string | undefined, iteration: number, ms: number) => void;
}

export interface CollectionOutcome {
  /** Requests of the collection's items (not the scripts' token calls). */
  readonly requests: number;
  readonly failures: Array<{ readonly source: string; readonly message: string }>;
  /** The environment after the run: carries the token to the next collection. */
  readonly environment: Record<string, unknown>;
  /** The globals after the run: carried to the next collection too. */
  readonly globals: Record<string, unknown>;
  /** The collection's variables after the run (--export-collection). */
  readonly collectionVariables: Record<string, unknown>;
  /** Newman's own error, when the run could not complete. */
  readonly error: Error | undefined;
}

export function runCollection(options: NewmanRunOptions): Promise<CollectionOutcome> {
  return withImmediateTimers(() => runWithNewman(options));
}

function runWithNewman(options: NewmanRunOptions): Promise<CollectionOutcome> {
  let scriptRequests = 0;
  return new Promise((resolve) => {
    const emitter = newman.run(
      {
        ...options.newmanOptions,
        collection: options.collection,
        environment: options.environment,
        ...(options.globals ? { globals: options.globals } : {}),
        reporters: [...options.reporters],
        reporter: options.onConsole
          ? { ...options.reporterOptions, cli: { ...options.reporterOptions['cli'], noConsole: true } }
          : options.reporterOptions,
        timeoutRequest: options.timeoutRequestMs,
        bail: options.bail,
        ...(options.iterationCount ? { iterationCount: options.iterationCount } : {}),
      } as newman.NewmanRunOptions,
      (error, summary) => {
        const run = summary?.run;
        resolve({
          requests: (run?.stats.requests.total ?? 0) - scriptRequests,
          // A blocked request's own error says only "Invalid protocol": its failing test carries the cause.
          failures: (run?.failures ?? [])
            .filter((f) => !BLOCKED_REQUEST.test(f.error.message))
            .map((f) => ({ source: sourceName(f), message: f.error.message })),
          environment: summary?.environment
            ? (summary.environment.toObject(false, false) as Record<string, unknown>)
            : {},
          globals: summary?.globals ? (summary.globals.toObject(false, false) as Record<string, unknown>) : {},
          collectionVariables: variablesOf(summary?.collection),
          error: error ?? undefined,
        });
      },
    );
    const putRight = trackBlockedRequests(emitter);
    if (options.onItemTimed) timeItems(emitter, options.onItemTimed);
    emitter
      .once('start', () => {
        // Reporters are attached before the run starts: a listener prepended now runs before theirs,
        // one added after them, when their reports are made and not yet written.
        emitter.prependListener('beforeDone', (_error: unknown, o: { summary?: Parameters<typeof putRight>[0] }) => {
          putRight(o?.summary);
          if (o?.summary?.run && options.redactInPlace) redactRun(o.summary.run, options.redactInPlace);
        });
        emitter.on('beforeDone', () =>
          takeExports(emitter as EventEmitter & { exports?: unknown[] }, options.takeExport),
        );
      })
      .on('console', (_error: unknown, args: { level: string; messages: unknown[] }) => {
        // Added before the reporters attach theirs (they are attached once the run's files are read), so it runs first.
        options.redactInPlace?.(args?.messages);
        options.onConsole?.(args.level, args.messages);
      })
      .on('request', (error: Error | null, args: Parameters<typeof recordTokenRequest>[1] & { item?: unknown }) => {
        if (args?.cursor?.scriptId) scriptRequests++;
        const tokenResponse = recordTokenRequest(options.tokenStats, args, options.tokenUrls);
        if (tokenResponse !== undefined) options.onTokenResponse?.(tokenResponse);
        if (error && options.takeBlockedReason && BLOCKED_REQUEST.test(error.message))
          failBlocked(emitter, args, options.takeBlockedReason() ?? 'no access token, so the request was not sent');
      });
  });
}

interface SdkItem {
  name?: string;
  parent?: () => SdkItem | undefined;
}

function timeItems(emitter: EventEmitter, onItemTimed: NonNullable<NewmanRunOptions['onItemTimed']>): void {
  let started = 0;
  emitter
    .on('beforeItem', () => {
      started = performance.now();
    })
    .on('item', (_error: unknown, args: { cursor?: { iteration?: number }; item?: SdkItem }) => {
      onItemTimed(
        args?.item ? topFolderOf(args.item) : undefined,
        args?.cursor?.iteration ?? 0,
        performance.now() - started,
      );
    });
}

/** The name of the top-level folder an item is in (undefined for a request at the top). */
function topFolderOf(item: SdkItem): string | undefined {
  let node = item;
  let parent = node.parent?.();
  while (parent?.parent?.()) {
    node = parent;
    parent = node.parent?.();
  }
  return node === item ? undefined : node.name;
}

/** What reporters read of a run: each execution's request, response, tests and errors, and each failure's error. */
function redactRun(
  run: { executions: Array<Record<string, unknown>>; failures: Array<{ error: unknown }> },
  redactInPlace: (root: unknown) => void,
): void {
  for (const execution of run.executions) {
    redactInPlace([
      execution['request'],
      execution['response'],
      execution['assertions'],
      execution['requestError'],
      execution['testScript'],
      execution['prerequestScript'],
    ]);
  }
  redactInPlace(run.failures.map((f) => f.error));
}

/** Takes the reports out of Newman's export queue, so that they are never written unredacted. */
function takeExports(emitter: { exports?: unknown[] }, take: NewmanRunOptions['takeExport']): void {
  const queue = emitter.exports;
  if (!take || !Array.isArray(queue)) return;
  for (let i = queue.length - 1; i >= 0; i--) {
    const entry = queue[i] as { path?: unknown; content?: unknown } | undefined;
    if (entry && take(entry.path, entry.content)) queue.splice(i, 1);
  }
}

/**
 * The fast path has no script to record a failing test: the same named test is reported through
 * Newman's own assertion event, so every reporter (cli, JUnit, JSON) and the exit status show it.
 */
function failBlocked(emitter: EventEmitter, args: { cursor?: object; item?: unknown }, message: string): void {
  const error = {
    name: 'AssertionError',
    index: 0,
    test: FAILURE_TEST_NAME,
    message,
    stack: `AssertionError: ${message}`,
  };
  emitter.emit('assertion', error, {
    cursor: args.cursor,
    assertion: FAILURE_TEST_NAME,
    skipped: false,
    error,
    item: args.item,
  });
}

function sourceName(failure: newman.NewmanRunFailure): string {
  const test = (failure.error as { test?: string }).test;
  const item = (failure.source as { name?: string } | undefined)?.name;
  return [item, test].filter(Boolean).join(' › ') || failure.error.name;
}

function variablesOf(collection: unknown): Record<string, unknown> {
  const variables = (
    collection as
      | { variables?: { toObject(excludeDisabled: boolean, caseSensitive: boolean): Record<string, unknown> } }
      | undefined
  )?.variables;
  return variables ? variables.toObject(false, false) : {};
}
