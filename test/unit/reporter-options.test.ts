import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { parseReporterOptions, splitReporterOptions } from '../../src/runner/reporter-options.js';
import { Reports } from '../../src/runner/reports.js';

describe('reporter options, as newman run parses them', () => {
  it('takes --reporter-… options and their values out of the command line, and nothing else', () => {
    const { rest, reporterArgs } = splitReporterOptions([
      'run',
      'c.json',
      '--reporter-junit-export',
      'out.xml',
      '--reporter-cli-no-summary',
      '-e',
      'qa',
      '--reporter-json-export=r.json',
    ]);
    assert.deepEqual(rest, ['run', 'c.json', '-e', 'qa']);
    assert.deepEqual(reporterArgs, [
      '--reporter-junit-export',
      'out.xml',
      '--reporter-cli-no-summary',
      '--reporter-json-export=r.json',
    ]);
  });

  it('gives a named reporter its camel-cased options, and the rest to every reporter', () => {
    const parsed = parseReporterOptions(
      [
        '--reporter-junit-export',
        'out.xml',
        '--reporter-cli-no-summary',
        '--reporter-json-export=r.json',
        '--reporter-no-assertions',
      ],
      ['cli', 'junit', 'json'],
    );
    assert.deepEqual(parsed.byReporter, {
      cli: { noSummary: true },
      junit: { export: 'out.xml' },
      json: { export: 'r.json' },
    });
    assert.deepEqual(parsed.generic, { noAssertions: true });
  });

  it('never lets a reporter option write a report around the redactor: file reporters export to where no folder can be made, and the report is taken in memory', async () => {
    const reporterOptions = parseReporterOptions(
      ['--reporter-export', '/tmp/elsewhere', '--reporter-junit-export', '/tmp/junit-elsewhere.xml'],
      ['cli', 'junit', 'json'],
    );
    const reports = await Reports.create({
      reporters: ['cli', 'junit', 'json'],
      reportDir: '/tmp/unused',
      junitFile: undefined,
      reporterOptions,
    });
    const { reporterOptions: forNewman, takeExport } = reports.forCollection('c');
    for (const reporter of ['junit', 'json']) {
      const { export: file } = forNewman[reporter] as { export: string };
      assert.match(file, /pm-oauth2-in-memory/, `${reporter} writes to ${file}`);
      const parent = file.slice(0, file.indexOf('/pm-oauth2-in-memory'));
      assert.ok((await stat(parent)).isFile(), 'the path is beneath a file: no folder can be made there');
      assert.equal(takeExport(file, '<testsuites/>'), true);
    }
    assert.equal(takeExport('/tmp/someone-elses.xml', 'x'), false, 'a report that is not ours is left to Newman');
  });

  it('says how to install htmlextra when it is missing, before anything runs', async () => {
    const missing = (id: string): string => {
      throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
    };
    await assert.rejects(
      Reports.create({
        reporters: ['cli', 'htmlextra'],
        reportDir: '/tmp/unused',
        junitFile: undefined,
        resolvePackage: missing,
      }),
      {
        code: 'USAGE',
        message: /the htmlextra reporter is not installed — npm install --save-dev newman-reporter-htmlextra/,
      },
    );
    await Reports.create({ reporters: ['cli', 'htmlextra'], reportDir: '/tmp/unused', junitFile: undefined });
  });
});
