// Newman's file reporters write secrets and tokens in clear. Here nothing they make touches a disk
// unredacted: each report is taken from Newman in memory before it would be written (newman-run.ts),
// redacted, checked, and only then written into reports/ — so a cancelled or crashed run leaves no
// raw report behind. JUnit files of all collections are merged into one, which is what CI systems
// publish.
import { createRequire } from 'node:module';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PmOAuth2Error } from '../errors.js';
import { writeFileAtomic } from '../files.js';
import type { Redactor } from './redactor.js';
import type { ReporterOptions } from './reporter-options.js';
import { checkOutputFile, checkOutputFolder } from './output-locations.js';

export const FILE_REPORTERS = ['junit', 'json', 'htmlextra'] as const;
export type FileReporter = (typeof FILE_REPORTERS)[number];
export const REPORTERS = ['cli', ...FILE_REPORTERS] as const;

const require = createRequire(import.meta.url);

export interface ReportOptions {
  readonly reporters: readonly string[];
  readonly reportDir: string;
  /** @default <reportDir>/junit.xml */
  readonly junitFile: string | undefined;
  /**
   * Where the json and htmlextra reports go (--reporter-json-export …), relative to `cwd`; with
   * several collections, each report's name gets the collection's. @default <reportDir>/<collection>.<ext>
   */
  readonly exportFiles?: Partial<Record<'json' | 'htmlextra', string | undefined>>;
  readonly cwd?: string;
  /** The user's other reporter options, handed to Newman as given. */
  readonly reporterOptions?: ReporterOptions;
  /** Delivers a finished report instead of writing it (a --parallel worker hands its reports to its parent). @default written to the file */
  readonly deliver?: (file: string, text: string) => Promise<void>;
  /** Finds an optional reporter package, as Newman will (from beside it). @default require.resolve */
  readonly resolvePackage?: (id: string) => string;
}

/**
 * Where a reporter is told to write: a path beneath this module's own file, so no folder can ever be
 * made there. Newman's export of a report that was not taken in memory fails (the run with it)
 * instead of writing it anywhere.
 */
const NOWHERE = join(fileURLToPath(import.meta.url), 'pm-oauth2-in-memory');

/** What the run ends with: the reports written, and those withheld with the reason. */
export interface ReportsOutcome {
  readonly files: string[];
  readonly withheld: string[];
}

interface HeldReport {
  readonly reporter: FileReporter;
  readonly stem: string;
  readonly path: string;
  content?: string;
}

export class Reports {
  private readonly held: HeldReport[] = [];
  private collections = 0;

  private constructor(private readonly options: ReportOptions) {}

  /** Checks the reporters and every place a report will go, before anything runs. */
  static async create(options: ReportOptions): Promise<Reports> {
    for (const reporter of options.reporters) {
      if (!(REPORTERS as readonly string[]).includes(reporter)) {
        throw new PmOAuth2Error('USAGE', `unknown reporter "${reporter}" — use ${REPORTERS.join(', ')}`);
      }
    }
    if (options.reporters.includes('htmlextra')) assertHtmlextraInstalled(options.resolvePackage ?? require.resolve);
    const reports = new Reports(options);
    await reports.checkLocations();
    return reports;
  }

  /** Newman's reporter options for one collection: file reporters hand their report to `takeExport`, in memory. */
  forCollection(stem: string): {
    reporters: string[];
    reporterOptions: Record<string, object>;
    takeExport: (path: unknown, content: unknown) => boolean;
  } {
    this.collections++;
    const user = this.options.reporterOptions ?? { generic: {}, byReporter: {} };
    // As newman does: each reporter gets its own options, then every generic one.
    const reporterOptions: Record<string, object> = {};
    for (const reporter of this.options.reporters)
      reporterOptions[reporter] = { ...user.byReporter[reporter], ...user.generic };
    for (const reporter of FILE_REPORTERS) {
      if (!this.options.reporters.includes(reporter)) continue;
      const path = join(NOWHERE, `${this.held.length}-${reporter}`);
      this.held.push({ reporter, stem, path });
      reporterOptions[reporter] = { ...reporterOptions[reporter], export: path };
    }
    return {
      reporters: [...this.options.reporters],
      reporterOptions,
      takeExport: (path, content) => this.take(path, content),
    };
  }

  /** Whether this reporter was asked for. */
  wants(reporter: FileReporter): boolean {
    return this.options.reporters.includes(reporter);
  }

  /** A report made outside Newman (a --parallel job's merged reports), delivered by finish like the others; ignored when its reporter was not asked for. */
  hold(reporter: FileReporter, stem: string, content: string): void {
    if (!this.wants(reporter)) return;
    if (!this.held.some((h) => h.stem === stem)) this.collections++;
    this.held.push({ reporter, stem, path: '', content });
  }

  /**
   * Redacts every report, checks what is left (Redactor.leaks) and writes it into place. A report
   * that still holds a credential, or that cannot be written whole, is withheld with the reason;
   * the others are delivered.
   */
  async finish(redactor: Redactor): Promise<ReportsOutcome> {
    const files: string[] = [];
    const withheld: string[] = [];
    const deliver = async (file: string, what: string, text: string): Promise<void> => {
      const leaks = redactor.leaks(text);
      if (leaks.length)
        return void withheld.push(
          `${what} was withheld (${file} not written): after redaction it still held ${leaks.join('; ')} — this is a bug in pm-oauth2's redaction, please report it`,
        );
      try {
        files.push(await this.write(file, text));
      } catch (error) {
        withheld.push(`${what} was not delivered: ${(error as Error).message}`);
      }
    };
    const taken = this.held.flatMap((report) =>
      report.content === undefined ? [] : [{ ...report, text: redactor.redactReport(report.content) }],
    );
    const junit = taken.filter((r) => r.reporter === 'junit').map((r) => r.text);
    if (junit.length) await deliver(this.junitFile(), 'the junit report', mergeJunit(junit));
    for (const report of taken) {
      if (report.reporter !== 'junit')
        await deliver(
          this.reportFile(report.reporter, report.stem),
          `the ${report.reporter} report of ${report.stem}`,
          report.text,
        );
    }
    return { files, withheld };
  }

  /** A report Newman was about to write: kept here instead, if it is one of ours. */
  private take(path: unknown, content: unknown): boolean {
    const report = this.held.find((h) => h.path === path);
    if (!report) return false;
    report.content = typeof content === 'string' ? content : JSON.stringify(content, null, 2);
    return true;
  }

  private junitFile(): string {
    return this.options.junitFile ?? join(this.options.reportDir, 'junit.xml');
  }

  /** Every folder and file a report may go to, so a bad --report-dir fails before the first request, not after the run. */
  private async checkLocations(): Promise<void> {
    const files = this.options.reporters.includes('junit') ? [this.junitFile()] : [];
    for (const reporter of ['json', 'htmlextra'] as const) {
      if (!this.options.reporters.includes(reporter)) continue;
      const chosen = this.options.exportFiles?.[reporter];
      if (chosen) files.push(resolve(this.options.cwd ?? '.', chosen));
      else await checkOutputFolder(this.options.reportDir, '--report-dir');
    }
    for (const file of files) await checkOutputFile(file);
  }

  private reportFile(reporter: 'json' | 'htmlextra', stem: string): string {
    const chosen = this.options.exportFiles?.[reporter];
    if (!chosen) return join(this.options.reportDir, `${stem}.${reporter === 'json' ? 'json' : 'html'}`);
    const file = resolve(this.options.cwd ?? '.', chosen);
    if (this.collections <= 1) return file;
    const ext = extname(file);
    return `${file.slice(0, file.length - ext.length)}-${stem}${ext}`;
  }

  private async write(file: string, text: string): Promise<string> {
    await (this.options.deliver ?? writeFileAtomic)(file, text);
    return file;
  }
}

export function mergeJunit(reports: readonly string[]): string {
  if (reports.length === 1) return reports[0] ?? '';
  const suites = reports.map((r) => /<testsuites[^>]*>([\s\S]*)<\/testsuites>/.exec(r)?.[1]?.trim() ?? '');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="pm-oauth2">\n${suites.join('\n')}\n</testsuites>\n`;
}

function assertHtmlextraInstalled(resolvePackage: (id: string) => string): void {
  try {
    resolvePackage('newman-reporter-htmlextra');
  } catch {
    throw new PmOAuth2Error(
      'USAGE',
      'the htmlextra reporter is not installed — npm install --save-dev newman-reporter-htmlextra, or leave it out of --reporters',
    );
  }
}
