import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

describe('pm-oauth2 build (the built binary)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pm-oauth2-cli-'));
    await writeFile(join(dir, 'broken.json'), '{ nope');
    await mkdir(join(dir, 'empty'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const cases: Array<{
    name: string;
    args: () => string[];
    code: number;
    stdout?: RegExp;
    stderr?: RegExp;
    outputs?: string[];
  }> = [
    {
      name: 'builds the sample collections',
      args: () => ['build', 'collections', '--out', join(dir, 'ok')],
      code: 0,
      stdout: /built collections\/demo-api\.postman_collection\.json → .*\n(.*\n){2}pm-oauth2 build: 3 built, 0 failed/,
      stderr:
        /warning: Demo API: 1 folder\(s\) or request\(s\) keep their own auth and will not get the token: Health \(public\) \(noauth\)[\s\S]*note: in plain newman, add --ignore-redirects and --timeout-request/,
      outputs: [
        'demo-api.postman_collection.json',
        'postman-oauth2-export.postman_collection.json',
        'two-profiles.postman_collection.json',
      ],
    },
    {
      name: 'builds the good inputs and fails on a bad one',
      args: () => [
        'build',
        join(dir, 'broken.json'),
        'collections/demo-api.postman_collection.json',
        '--out',
        join(dir, 'mixed'),
      ],
      code: 1,
      stdout: /1 built, 1 failed/,
      stderr: /error \[INPUT_NOT_JSON\]: .*broken\.json: not JSON/,
      outputs: ['demo-api.postman_collection.json'],
    },
    {
      name: 'says when there is nothing to build',
      args: () => ['build', join(dir, 'empty'), '--out', join(dir, 'none')],
      code: 2,
      stderr: /error \[USAGE\]: no collections found in .*empty/,
    },
    {
      name: 'rejects an unknown command',
      args: () => ['bulid'],
      code: 2,
      stderr: /error \[USAGE\]: unknown command "bulid" — the commands are init, build, run/,
    },
    { name: 'asks for a command', args: () => [], code: 2, stderr: /name a command/ },
    {
      name: 'has help with examples',
      args: () => ['build', '--help'],
      code: 0,
      stdout: /Examples:\n\s+pm-oauth2 build\s+build every collection under/,
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const result = await runCli(c.args());
      assert.equal(result.code, c.code, result.stderr);
      if (c.stdout) assert.match(result.stdout, c.stdout);
      if (c.stderr) assert.match(result.stderr, c.stderr);
      if (c.outputs) {
        const out = c.args()[c.args().indexOf('--out') + 1] ?? '';
        assert.deepEqual((await readdir(out)).sort(), c.outputs);
      }
    });
  }

  it('without the optional OpenAPI converter: the spec fails naming what to install, the collections still build', async () => {
    // What a consumer's install looks like: openapi-to-postmanv2 is an optional peer dependency.
    const hide = join(dir, 'without-converter.cjs');
    await writeFile(
      hide,
      `const Module = require('node:module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'openapi-to-postmanv2' || request.startsWith('openapi-to-postmanv2/'))
    throw Object.assign(new Error("Cannot find module '" + request + "'"), { code: 'MODULE_NOT_FOUND' });
  return resolve.call(this, request, ...rest);
};
`,
    );
    const out = join(dir, 'without-converter');
    const result = await runCli(
      ['build', 'test/fixtures/generator/openapi.yaml', 'collections/demo-api.postman_collection.json', '--out', out],
      { env: { NODE_OPTIONS: `--require ${hide}` } },
    );
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      /error \[OPENAPI_CONVERTER_MISSING\]: test\/fixtures\/generator\/openapi\.yaml is an OpenAPI document, and converting it needs openapi-to-postmanv2, .* npm install --save-dev openapi-to-postmanv2@\^6\.3\.3/,
    );
    assert.doesNotMatch(result.stderr, /internal error|\n\s+at /);
    assert.deepEqual(await readdir(out), ['demo-api.postman_collection.json']);
  });
});
