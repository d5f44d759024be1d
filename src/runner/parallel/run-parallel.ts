// `pm-oauth2 run --parallel N`: N shares of the suite (shard/) side by side — one run in this
// process, N − 1 in worker processes — with the tokens of the whole job fetched here, once per
// configuration (broker-service.ts), their output printed a collection at a time, and their reports
// joined into one run's (merge/).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { memoryNonceStore } from '../../oauth/dpop/nonce.js';
import { describeNewToken } from '../../oauth/describe-token.js';
import type { Terminal } from '../../terminal.js';
import { jobTokenBroker } from '../fast-path/job-broker.js';
import type { TokenBroker, TokenSource } from '../fast-path/token-broker.js';
import { jobFederatedAssertions } from '../federated/assertion-source.js';
import { junitFromJson } from '../merge/junit-from-json.js';
import { jsonText, mergeCollections } from '../merge/merge-reports.js';
import type { NewmanJsonReport } from '../merge/merge-json.js';
import { completenessProblems, unitsNotRun, type ShardReports } from '../merge/shard-set.js';
import { Redactor } from '../redactor.js';
import type { Reports } from '../reports.js';
import { proxyAgents } from '../token-endpoint-proxy.js';
import { createTokenStats, type TokenStats } from '../token-stats.js';
import type { ShardManifest } from '../shard/manifest.js';
import { serveTokens, type WorkerChannel } from './broker-service.js';
import { GroupedOutput } from './grouped-output.js';
import { captureStdout } from './stdout-capture.js';
import { WORKER_ENV, type WorkerMessage } from './messages.js';
import { workerArgs } from './worker-args.js';

const BIN = fileURLToPath(new URL('../../../bin/pm-oauth2.js', import.meta.url));

export interface ParallelOptions {
  readonly workers: number;
  /** The command line as the user typed it (process.argv.slice(2)). */
  readonly argv: readonly string[];
  readonly reports: Reports;
  readonly newmanOptions: Readonly<Record<string, unknown>>;
  readonly terminal: Terminal;
  readonly env: NodeJS.ProcessEnv;
  /** Runs share 1 in this process, as a worker runs its own: a process start fewer for the job. */
  readonly ownShare: OwnShare;
}

/** The share this process runs: what a worker does, with the job's broker and without the pipe. */
export type OwnShare = (io: OwnShareIO) => Promise<OwnShareOutcome>;

export interface OwnShareIO {
  readonly index: number;
  readonly total: number;
  /** Its lines go to stdout, grouped as a worker's; its errors and warnings are printed once, as a worker's. */
  readonly terminal: Terminal;
  readonly tokenSource: (addToken: (accessToken: string) => void) => TokenSource;
}

export interface OwnShareOutcome {
  /** The exit status a worker would have ended with. */
  readonly code: number;
  readonly manifest: ShardManifest | undefined;
  /** Its reports, redacted and checked, by the file each would have been written to. */
  readonly reports: ReadonlyMap<string, string>;
}

export interface ParallelResult {
  readonly collections: number;
  readonly requests: number;
  readonly failures: string[];
  readonly tokenStats: TokenStats;
  readonly expiries: ReadonlyArray<{ profile: string; at: number }>;
  readonly files: string[];
  /** A worker stopped on a usage or configuration error (it printed why): nothing else matters. */
  readonly usageError: boolean;
}

interface WorkerOutcome {
  readonly index: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly shard: ShardReports | undefined;
  readonly reports: Map<string, string>;
}

export async function runParallel(options: ParallelOptions): Promise<ParallelResult> {
  const redactor = new Redactor();
  const tokenStats = createTokenStats();
  // What this process's own share writes to stdout is grouped as a worker's; the parent's own
  // lines go out past it.
  const own = new GroupedOutput((text) => capture.print(text));
  const capture = captureStdout((chunk) => own.write(chunk));
  const print = (text: string) => capture.print(text);
  const broker = jobTokenBroker({
    newmanOptions: options.newmanOptions,
    agentFor: await proxyAgents(options.env),
    proofs: (await import('../node-dpop.js')).nodeProofs,
    nonces: memoryNonceStore(),
    tokenStats,
    federated: jobFederatedAssertions((value) => redactor.addToken(value)),
    events: {
      onToken: (token, config, profile) => {
        redactor.addToken(token.accessToken);
        print(`  │ pm-oauth2: ${describeNewToken(config, token, profile)} (for all ${options.workers} workers)`);
      },
    },
  });
  const stderrSeen = new Set<string>();
  const onStderrLine = (line: string) => {
    // A note or warning every worker gives is printed once.
    if (!stderrSeen.has(line)) options.terminal.err(line);
    stderrSeen.add(line);
  };
  const children: ChildProcess[] = [];
  let cancelOwnShare: (signal: NodeJS.Signals) => void = () => undefined;
  // Newman cannot stop a run it started: a signal ends the job without waiting for this share,
  // whose reports are only in memory (the process exits after the summary).
  const cancelled = new Promise<WorkerOutcome>((resolve) => {
    cancelOwnShare = (signal) => resolve({ index: 1, code: null, signal, shard: undefined, reports: new Map() });
  });
  const stop = (signal: NodeJS.Signals) => {
    children.forEach((child) => child.kill('SIGTERM'));
    cancelOwnShare(signal);
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.once(signal, stop);
  try {
    const outcomes = await Promise.all([
      Promise.race([runOwnShare(options, own, onStderrLine, localTokens(broker, redactor)), cancelled]),
      ...Array.from({ length: options.workers - 1 }, (_, i) =>
        runWorker(
          i + 2,
          options,
          print,
          (child) => children.push(child),
          (message, child) => {
            if (message.type === 'ensure')
              redactor.addCredentials(message.config.clientId, message.config.clientSecret);
            return serveTokens(broker, child, message);
          },
          onStderrLine,
        ),
      ),
    ]);
    return await joinOutcomes(outcomes, options, redactor, tokenStats, broker.expiries());
  } finally {
    capture.release();
    for (const signal of signals) process.removeListener(signal, stop);
  }
}

async function runOwnShare(
  options: ParallelOptions,
  output: GroupedOutput,
  onStderrLine: (line: string) => void,
  tokenSource: OwnShareIO['tokenSource'],
): Promise<WorkerOutcome> {
  try {
    const outcome = await options.ownShare({
      index: 1,
      total: options.workers,
      // Through process.stdout, as a worker's lines: the share's redaction and the capture see them.
      terminal: { out: (line) => process.stdout.write(`${line}\n`), err: onStderrLine },
      tokenSource,
    });
    return {
      index: 1,
      code: outcome.code,
      signal: null,
      shard: outcome.manifest && { manifest: outcome.manifest, dir: 'worker 1' },
      reports: new Map(outcome.reports),
    };
  } finally {
    output.end();
  }
}

/**
 * The job's broker as this process's share asks it: the tokens it hands out are masked in the
 * share's output from then on, and the credentials it fetches with in the job's reports.
 */
function localTokens(broker: TokenBroker, redactor: Redactor): OwnShareIO['tokenSource'] {
  return (addToken) => {
    const told = new Set<string>();
    return {
      async ensure(fingerprint, config, profile, marginSeconds) {
        const token = await broker.ensure(
          fingerprint,
          () => {
            const chosen = config();
            redactor.addCredentials(chosen.clientId, chosen.clientSecret);
            return chosen;
          },
          profile,
          marginSeconds,
        );
        if (!told.has(token.accessToken)) addToken(token.accessToken);
        told.add(token.accessToken);
        return token;
      },
      current: (fingerprint) => broker.current(fingerprint),
      drop: (fingerprint, accessToken, replace) => broker.drop(fingerprint, accessToken, replace),
      // The parent reports expiries for the job.
      expiries: () => [],
    };
  };
}

function runWorker(
  index: number,
  options: ParallelOptions,
  print: (text: string) => void,
  started: (child: ChildProcess) => void,
  onMessage: (message: WorkerMessage, child: WorkerChannel) => boolean,
  onStderrLine: (line: string) => void,
): Promise<WorkerOutcome> {
  return new Promise((resolve) => {
    const child = fork(BIN, workerArgs(options.argv, index, options.workers), {
      env: { ...process.env, [WORKER_ENV]: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    started(child);
    const out = new GroupedOutput(print);
    let err = '';
    const reports = new Map<string, string>();
    let shard: ShardReports | undefined;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => out.write(chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (err + chunk).split('\n');
      err = lines.pop() ?? '';
      lines.filter(Boolean).forEach(onStderrLine);
    });
    child.on('message', (raw) => {
      const message = raw as WorkerMessage;
      // A worker that is gone gets no answer.
      if (onMessage(message, { send: (m) => child.connected && child.send(m) })) return;
      if (message.type === 'report') reports.set(message.file, message.text);
      if (message.type === 'done') shard = { manifest: message.manifest, dir: `worker ${index}` };
    });
    child.on('close', (code, signal) => {
      out.end();
      if (err) onStderrLine(err);
      resolve({ index, code, signal, shard, reports });
    });
  });
}

function joinOutcomes(
  outcomes: readonly WorkerOutcome[],
  options: ParallelOptions,
  redactor: Redactor,
  tokenStats: TokenStats,
  expiries: ParallelResult['expiries'],
): Promise<ParallelResult> | ParallelResult {
  const base = { collections: 0, requests: 0, tokenStats, expiries, files: [] as string[] };
  if (outcomes.some((o) => o.code === 2)) return { ...base, failures: [], usageError: true };
  const failures = outcomes
    .filter((o) => !o.shard)
    .map(
      (o) =>
        `worker ${o.index} ended without finishing (${o.signal ? `signal ${o.signal}` : `exit ${o.code}`}): its part of the suite has no result`,
    );
  const shards = outcomes.flatMap((o) => (o.shard ? [o.shard] : []));
  if (failures.length || !shards.length)
    return { ...base, failures: failures.length ? failures : ['no worker finished'], usageError: false };
  const problems = completenessProblems(shards);
  if (problems.length) return { ...base, failures: problems, usageError: false };
  return deliver(outcomes, shards, options, redactor, base);
}

async function deliver(
  outcomes: readonly WorkerOutcome[],
  shards: readonly ShardReports[],
  options: ParallelOptions,
  redactor: Redactor,
  base: Omit<ParallelResult, 'failures' | 'usageError'>,
): Promise<ParallelResult> {
  const collections = await mergeCollections(shards, async (stem) =>
    outcomes.flatMap(
      (o) =>
        o.shard?.manifest.collections
          .filter((c) => c.stem === stem)
          .flatMap((c) => {
            const text = [...o.reports].find(([file]) => file.endsWith(`/${c.report}`) || file === c.report)?.[1];
            return text ? [{ report: JSON.parse(text) as NewmanJsonReport, rows: c.rows }] : [];
          }) ?? [],
    ),
  );
  // Only the reports asked for are made: the JUnit is the costly one.
  for (const { stem, report } of collections) {
    if (options.reports.wants('json')) options.reports.hold('json', stem, jsonText(report));
    if (options.reports.wants('junit')) options.reports.hold('junit', stem, junitFromJson(report));
  }
  const { files, withheld } = await options.reports.finish(redactor);
  return {
    ...base,
    collections: collections.length,
    requests: shards.reduce((n, s) => n + s.manifest.requests, 0),
    files,
    failures: [
      ...shards.flatMap((s) => s.manifest.failures.map((f) => `worker ${s.manifest.shard.index}: ${f}`)),
      ...unitsNotRun(shards),
      ...withheld,
    ],
    usageError: false,
  };
}
