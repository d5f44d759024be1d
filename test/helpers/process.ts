// Runs a command the way a user or a CI job would, with a time limit: a hung child must never
// outlive its test, because it would keep mocha, and so CI, from ever ending. When the limit is
// reached, every Node process of the command writes a diagnostic report first, so the failure
// says which handle it was waiting on.
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ProcessOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Written to standard input, which is then closed. */
  readonly input?: string;
  readonly limitMs?: number;
  /**
   * Sends a signal to the command's process group (as a cancelled CI job or Ctrl-C does), or with
   * `only: 'command'` to the command's own process, once its output matches or `when` says so.
   */
  readonly signalWhen?: {
    readonly output?: RegExp;
    readonly when?: () => boolean;
    readonly signal: NodeJS.Signals;
    readonly only?: 'command';
  };
}

const DEFAULT_LIMIT_MS = 25_000;
const REPORT_SIGNAL = 'SIGUSR2';

export function runProcess(
  command: string,
  args: readonly string[],
  options: ProcessOptions = {},
): Promise<ProcessResult> {
  const reportDir = join(
    tmpdir(),
    `pm-oauth2-hang-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
  );
  const limitMs = options.limitMs ?? DEFAULT_LIMIT_MS;
  const reportOptions = `--report-on-signal --report-signal=${REPORT_SIGNAL} --report-directory=${reportDir}`;
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd ?? process.cwd(),
      env: {
        ...process.env,
        NO_COLOR: '1',
        FORCE_COLOR: '0',
        ...options.env,
        NODE_OPTIONS: [process.env['NODE_OPTIONS'], options.env?.['NODE_OPTIONS'], reportOptions]
          .filter(Boolean)
          .join(' '),
      },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      // Its own process group, so that a hung grandchild (npm start → node) is stopped too.
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    const signalIfDue = () => {
      const due =
        options.signalWhen && (options.signalWhen.output?.test(stdout + stderr) || options.signalWhen.when?.());
      if (!options.signalWhen || signalled || !due || !child.pid) return;
      signalled = true;
      process.kill(options.signalWhen.only === 'command' ? child.pid : -child.pid, options.signalWhen.signal);
    };
    const poll = options.signalWhen?.when ? setInterval(signalIfDue, 20) : undefined;
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      signalIfDue();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      signalIfDue();
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    const timer = setTimeout(() => {
      void stopHungGroup(child.pid, reportDir).then((diagnosis) =>
        reject(
          new Error(
            `${command} ${args.join(' ')} did not end within ${limitMs} ms\n${diagnosis}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`,
          ),
        ),
      );
    }, limitMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve({ code, stdout, stderr });
    });
  });
}

async function stopHungGroup(pid: number | undefined, reportDir: string): Promise<string> {
  if (pid === undefined) return 'the process never started';
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  };
  await mkdir(reportDir, { recursive: true });
  signalGroup(REPORT_SIGNAL);
  await new Promise((settle) => setTimeout(settle, 2_000));
  signalGroup('SIGKILL');
  try {
    const files = await readdir(reportDir);
    if (!files.length) return 'no diagnostic report (no process answered the signal: a busy loop?)';
    const reports = await Promise.all(
      files.map(async (file) =>
        describeReport(JSON.parse(await readFile(join(reportDir, file), 'utf8')) as DiagnosticReport),
      ),
    );
    return reports.join('\n');
  } catch (error) {
    return `no diagnostic report (${(error as Error).message})`;
  } finally {
    await rm(reportDir, { recursive: true, force: true });
  }
}

interface DiagnosticReport {
  header?: { commandLine?: string[] };
  javascriptStack?: { message?: string; stack?: string[] };
  libuv?: Array<{
    type: string;
    is_active?: boolean;
    is_referenced?: boolean;
    localEndpoint?: unknown;
    remoteEndpoint?: unknown;
    filename?: string;
  }>;
}

function describeReport(report: DiagnosticReport): string {
  const handles = (report.libuv ?? [])
    .filter((h) => h.is_active && h.is_referenced)
    .map(
      (h) =>
        `    ${h.type}${h.filename ? ` ${h.filename}` : ''}${h.localEndpoint ? ` local=${JSON.stringify(h.localEndpoint)}` : ''}${h.remoteEndpoint ? ` remote=${JSON.stringify(h.remoteEndpoint)}` : ''}`,
    );
  const stack = (report.javascriptStack?.stack ?? []).slice(0, 15).map((line) => `    ${line}`);
  return [
    `process: ${(report.header?.commandLine ?? []).join(' ')}`,
    '  handles keeping it alive:',
    ...(handles.length ? handles : ['    (none)']),
    `  javascript stack: ${report.javascriptStack?.message ?? ''}`,
    ...stack,
  ].join('\n');
}
