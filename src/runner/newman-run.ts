// One collection through Newman's programmatic API, with our safer defaults.
import newman from 'newman';
import { recordTokenRequest, type TokenStats } from './token-stats.js';

export interface EnvironmentJson {
  name: string;
  values: Array<{ key: string; value: string; type: 'default' | 'secret'; enabled: true }>;
}

export interface NewmanRunOptions {
  readonly collection: object;
  readonly environment: EnvironmentJson;
  readonly reporters: readonly string[];
  readonly reporterOptions: Record<string, object>;
  readonly timeoutRequestMs: number;
  readonly bail: boolean;
  readonly iterationCount: number | undefined;
  readonly tokenUrls: ReadonlySet<string>;
  readonly tokenStats: TokenStats;
  /** Receives what scripts log, instead of the cli reporter, which wraps long lines (a token, split, escapes redaction). */
  readonly onConsole?: (level: string, messages: unknown[]) => void;
}

export interface CollectionOutcome {
  /** Requests of the collection's items (not the scripts' token calls). */
  readonly requests: number;
  readonly failures: Array<{ readonly source: string; readonly message: string }>;
  /** The environment after the run: carries the token to the next collection. */
  readonly environment: Record<string, unknown>;
  /** Newman's own error, when the run could not complete. */
  readonly error: Error | undefined;
}

export function runCollection(options: NewmanRunOptions): Promise<CollectionOutcome> {
  let scriptRequests = 0;
  return new Promise((resolve) => {
    newman.run({
      collection: options.collection,
      environment: options.environment,
      reporters: [...options.reporters],
      reporter: options.onConsole ? { ...options.reporterOptions, cli: { noConsole: true } } : options.reporterOptions,
      timeoutRequest: options.timeoutRequestMs,
      bail: options.bail,
      ...(options.iterationCount ? { iterationCount: options.iterationCount } : {}),
    } as newman.NewmanRunOptions, (error, summary) => {
      const run = summary?.run;
      resolve({
        requests: (run?.stats.requests.total ?? 0) - scriptRequests,
        failures: (run?.failures ?? []).map((f) => ({ source: sourceName(f), message: f.error.message })),
        environment: summary?.environment ? (summary.environment.toObject(false, false) as Record<string, unknown>) : {},
        error: error ?? undefined,
      });
    }).on('console', (_error: unknown, args: { level: string; messages: unknown[] }) => {
      options.onConsole?.(args.level, args.messages);
    }).on('request', (_error: unknown, args: Parameters<typeof recordTokenRequest>[1]) => {
      if (args?.cursor?.scriptId) scriptRequests++;
      recordTokenRequest(options.tokenStats, args, options.tokenUrls);
    });
  });
}

function sourceName(failure: newman.NewmanRunFailure): string {
  const test = (failure.error as { test?: string }).test;
  const item = (failure.source as { name?: string } | undefined)?.name;
  return [item, test].filter(Boolean).join(' › ') || failure.error.name;
}
