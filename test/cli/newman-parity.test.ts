// A CI job's `newman run …` line works with `newman` replaced by `pm-oauth2`: every option of the
// installed Newman is taken, with the same meaning, or refused with the reason.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SCRIPT_PATHS, readScripts } from '../../src/generator/build.js';
import { embedScript } from '../../src/generator/embed.js';
import { REFUSED } from '../../src/runner/newman-options.js';
import { runCli, WITHOUT_PROXY, type CliResult } from '../helpers/cli.js';
import { credentialLeaks } from '../helpers/leaks.js';
import { runProcess } from '../helpers/process.js';
import { CLIENTS, startTestServers, type TestServers } from '../helpers/servers.js';

const NEWMAN_BIN = join(createRequire(import.meta.url).resolve('newman'), '..', 'bin', 'newman.js');
const NO_PROXY_ENV = { ...WITHOUT_PROXY, OAUTH2_CLIENT_SECRET: undefined };

/** The long options a `--help` text lists. */
function longOptions(help: string): Set<string> {
  return new Set([...help.matchAll(/(?:^|[\s,])--([a-z][a-z0-9-]*)/gm)].map((m) => m[1] ?? ''));
}

describe("pm-oauth2 run takes newman run's options", function () {
  this.timeout(60_000);
  let servers: TestServers;
  let dir: string;
  let collectionFile: string;
  let base: string;
  const secret = CLIENTS.demo.clientSecret;
  const GLOBAL_SECRET = 'g-s3cret "with" \\ +/=:&% ünï';

  before(async () => {
    servers = await startTestServers();
    dir = await mkdtemp(join(tmpdir(), 'pm-oauth2-parity-'));
    base = servers.apiBase('parity');
    const scripts = await readScripts(DEFAULT_SCRIPT_PATHS);
    const request = (name: string, test: string) => ({
      name,
      request: { method: 'GET', url: `{{parity_base}}/${name}/{{row}}` },
      event: [{ listen: 'test', script: { type: 'text/javascript', exec: [test] } }],
    });
    const collection = embedScript(
      {
        info: { name: 'parity', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
        item: [
          {
            name: 'Passing',
            item: [
              request(
                'ok',
                "pm.test('200', () => pm.response.to.have.status(200)); pm.globals.set('seen_by_script', 'yes'); console.log('echo:', pm.variables.get('echo_me'));",
              ),
            ],
          },
          { name: 'Failing', item: [request('bad', "pm.test('always fails', () => pm.expect(1).to.equal(2));")] },
        ],
      },
      scripts,
    ).collection;
    collectionFile = join(dir, 'parity.postman_collection.json');
    await writeFile(collectionFile, JSON.stringify(collection));
    await writeFile(join(dir, 'data.csv'), 'row\nfirst\nsecond\n');
    // The API's base only in the globals file; a secret global, masked on export.
    await writeFile(
      join(dir, 'globals.json'),
      JSON.stringify({
        name: 'My Workspace Globals',
        _postman_variable_scope: 'globals',
        values: [
          { key: 'parity_base', value: base, type: 'default', enabled: true },
          { key: 'partner_api_key', value: GLOBAL_SECRET, type: 'secret', enabled: true },
        ],
      }),
    );
  });
  after(async () => {
    await servers.close();
    await rm(dir, { recursive: true, force: true });
  });

  const run = (args: string[]): Promise<CliResult> =>
    runCli(['run', collectionFile, ...args], {
      cwd: dir,
      env: { ...NO_PROXY_ENV, OAUTH2_TOKEN_URL: servers.auth.tokenUrl, OAUTH2_CLIENT_SECRET: secret },
    });

  it('lists every option of the installed newman run, or refuses it with the reason', async () => {
    const newman = await runProcess(process.execPath, [NEWMAN_BIN, 'run', '--help']);
    const ours = await runCli(['run', '--help']);
    assert.equal(ours.code, 0);
    const taken = longOptions(ours.stdout);
    const missing = [...longOptions(newman.stdout)]
      .map((flag) => flag.replace(/^no-/, ''))
      .filter((flag) => flag !== 'help' && !taken.has(flag) && !(flag in REFUSED));
    assert.deepEqual(missing, [], 'newman run options pm-oauth2 run neither takes nor refuses');
  });

  for (const [flag, reason] of Object.entries(REFUSED)) {
    it(`refuses --${flag} with the reason, before anything runs`, async () => {
      const before = servers.api.calls.length;
      const result = await run([`--${flag}`, ...(flag === 'verbose' ? [] : ['x'])]);
      assert.equal(result.code, 2);
      assert.ok(result.stderr.includes(`--${flag} is not taken by pm-oauth2 run: ${reason}`), result.stderr);
      assert.equal(servers.api.calls.length, before);
    });
  }

  it('-d, --folder, -g, --global-var, -x, --reporter-junit-export, --export-globals and --export-collection, as newman takes them', async () => {
    const junit = join(dir, 'out', 'tests.xml');
    const result = await run([
      '-d',
      'data.csv',
      '--folder',
      'Passing',
      '--folder',
      'Failing',
      '-g',
      'globals.json',
      '--env-var',
      `oauth2_client_id=${CLIENTS.demo.clientId}`,
      '--global-var',
      'seen_by_script=no',
      '-x',
      '--reporter-junit-export',
      junit,
      '--export-globals',
      'globals-after.json',
      '--export-collection',
      'collection-after.json',
      '--report-dir',
      'reports',
    ]);
    assert.equal(result.code, 0, `-x: exit 0 although a test failed\n${result.stdout}${result.stderr}`);
    assert.match(result.stdout, /failures\s+2\n/);
    assert.deepEqual(
      servers.apiCalls(base).map((c) => [c.path.split('/').slice(-2).join('/'), c.status]),
      [
        ['ok/first', 200],
        ['bad/first', 200],
        ['ok/second', 200],
        ['bad/second', 200],
      ],
    );
    const files = await Promise.all(
      [junit, join(dir, 'globals-after.json'), join(dir, 'collection-after.json')].map((f) => readFile(f, 'utf8')),
    );
    assert.match(files[0] ?? '', /always fails/);
    const globals = JSON.parse(files[1] ?? '{}') as {
      values: Array<{ key: string; value: string }>;
      _postman_variable_scope: string;
    };
    assert.equal(globals._postman_variable_scope, 'globals');
    assert.deepEqual(globals.values.find((v) => v.key === 'seen_by_script')?.value, 'yes');
    assert.equal(globals.values.find((v) => v.key === 'partner_api_key')?.value, '***');
    const exported = JSON.parse(files[2] ?? '{}') as {
      event?: Array<{ script?: { id?: string } }>;
      auth?: { type: string };
    };
    assert.equal(exported.auth?.type, 'bearer', 'the collection as built, not as run in process');
    const everything = [result.stdout, result.stderr, ...files].join('\n');
    assert.deepEqual(credentialLeaks(everything, secret, CLIENTS.demo.clientId), []);
    assert.deepEqual(credentialLeaks(everything, GLOBAL_SECRET, CLIENTS.demo.clientId), []);
  });

  it('--ssl-client-passphrase is masked wherever its value is printed, in every encoding', async () => {
    const passphrase = 'pass phrase "q" \\ +/=:&% ünï';
    const result = await run([
      '--folder',
      'Passing',
      '-g',
      'globals.json',
      '--env-var',
      `oauth2_client_id=${CLIENTS.demo.clientId}`,
      '--env-var',
      `echo_me=${passphrase}`,
      '--ssl-client-passphrase',
      passphrase,
      '-r',
      'cli,json',
      '--report-dir',
      'reports-passphrase',
    ]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /echo: /, 'the script printed the value');
    const report = await readFile(join(dir, 'reports-passphrase', 'parity.json'), 'utf8');
    assert.deepEqual(credentialLeaks([result.stdout, result.stderr, report].join('\n'), passphrase), []);
  });

  it("--bail stops at the first failure; a bare flag keeps newman's meaning", async () => {
    const before = servers.apiCalls(base).length;
    const result = await run([
      '-d',
      'data.csv',
      '-g',
      'globals.json',
      '--env-var',
      `oauth2_client_id=${CLIENTS.demo.clientId}`,
      '--bail',
      '--report-dir',
      'reports',
    ]);
    assert.equal(result.code, 1);
    assert.deepEqual(
      servers
        .apiCalls(base)
        .slice(before)
        .map((c) => c.path.split('/').slice(-2).join('/')),
      ['ok/first', 'bad/first'],
    );
  });

  it('refuses --bail with an unknown modifier, --color with an unknown value, and a negative --delay-request', async () => {
    for (const args of [
      ['--bail', 'sometimes'],
      ['--color', 'purple'],
      ['--delay-request', '-5'],
    ]) {
      const result = await run(args);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, /error \[USAGE\]/);
    }
  });
});
