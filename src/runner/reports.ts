// Newman's file reporters write secrets and tokens in clear. Here they write into a private
// temporary folder; each report is redacted before it reaches reports/. JUnit files of all
// collections are merged into one, which is what CI systems publish.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { PmOAuth2Error } from '../errors.js';
import { writeFileAtomic } from '../generator/write-atomic.js';
import type { Redactor } from './redactor.js';
import type { ReporterOptions } from './reporter-options.js';

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
}

export class Reports {
  private readonly pending: Array<{ reporter: FileReporter; stem: string; file: string }> = [];
  private collections = 0;

  private constructor(private readonly options: ReportOptions, private readonly scratch: string) {}

  static async create(options: ReportOptions): Promise<Reports> {
    for (const reporter of options.reporters) {
      if (!(REPORTERS as readonly string[]).includes(reporter)) {
        throw new PmOAuth2Error('USAGE', `unknown reporter "${reporter}" — use ${REPORTERS.join(', ')}`);
      }
    }
    if (options.reporters.includes('htmlextra')) assertHtmlextraInstalled();
    return new Reports(options, await mkdtemp(join(tmpdir(), 'pm-oauth2-reports-')));
  }

  /** Newman's reporter options for one collection, writing into the scratch folder. */
  forCollection(stem: string): { reporters: string[]; reporterOptions: Record<string, object> } {
    this.collections++;
    const user = this.options.reporterOptions ?? { generic: {}, byReporter: {} };
    // As newman does: each reporter gets its own options, then every generic one.
    const reporterOptions: Record<string, object> = {};
    for (const reporter of this.options.reporters) reporterOptions[reporter] = { ...user.byReporter[reporter], ...user.generic };
    for (const reporter of FILE_REPORTERS) {
      if (!this.options.reporters.includes(reporter)) continue;
      const file = join(this.scratch, `${this.pending.length}-${reporter}`);
      this.pending.push({ reporter, stem, file });
      reporterOptions[reporter] = { ...reporterOptions[reporter], export: file };
    }
    return { reporters: [...this.options.reporters], reporterOptions };
  }

  /** Redacts and moves every report into place; returns the files written. */
  async finish(redactor: Redactor): Promise<string[]> {
    try {
      const written: string[] = [];
      const junit: string[] = [];
      for (const report of this.pending) {
        const text = redactor.redactReport(await readFile(report.file, 'utf8').catch(() => ''));
        if (!text) continue;
        if (report.reporter === 'junit') junit.push(text);
        else written.push(await this.write(this.reportFile(report.reporter, report.stem), text));
      }
      if (junit.length) written.unshift(await this.write(this.options.junitFile ?? join(this.options.reportDir, 'junit.xml'), mergeJunit(junit)));
      return written;
    } finally {
      await rm(this.scratch, { recursive: true, force: true });
    }
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
    await writeFileAtomic(file, text);
    return file;
  }
}

export function mergeJunit(reports: readonly string[]): string {
  if (reports.length === 1) return reports[0] ?? '';
  const suites = reports.map((r) => /<testsuites[^>]*>([\s\S]*)<\/testsuites>/.exec(r)?.[1]?.trim() ?? '');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="pm-oauth2">\n${suites.join('\n')}\n</testsuites>\n`;
}

function assertHtmlextraInstalled(): void {
  try {
    require.resolve('newman-reporter-htmlextra');
  } catch {
    throw new PmOAuth2Error('USAGE', 'the htmlextra reporter is not installed — npm install --save-dev newman-reporter-htmlextra, or leave it out of --reporters');
  }
}
