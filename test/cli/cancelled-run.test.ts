// A cancelled CI job (SIGTERM) or Ctrl-C (SIGINT) in the middle of pm-oauth2 run: nothing unredacted
// may be left where it outlives the process — no raw report in $TMPDIR, nothing in the report folder
// that holds the secret or the token.
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_SCRIPT_PATHS, readScripts } from '../../src/generator/build.js';
import { embedScript } from '../../src/generator/embed.js';
import { runCli, WITHOUT_PROXY } from '../helpers/cli.js';
import { valueLeaks } from '../helpers/leaks.js';
import { useSuite } from '../helpers/job.js';
import { MARK_VARIABLE, markedProcesses } from '../helpers/marked-processes.js';

const SECRET = 'cancel "secret" +/=:&% \\ é';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('a pm-oauth2 run cancelled mid-run', function () {
  this.timeout(60_000);
  const suite = useSuite('cancel');

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    for (const inSandbox of [false, true]) {
      it(`${signal}${inSandbox ? ', --in-sandbox' : ''}: no raw report in $TMPDIR, nothing with the secret or the token in any file`, async () => {
        const { servers, dir } = suite;
        const id = `cancel${suite.next()}`;
        const project = join(dir, id);
        const temporary = join(project, 'tmp');
        await mkdir(temporary, { recursive: true });
        const scripts = await readScripts(DEFAULT_SCRIPT_PATHS);
        // The first request echoes the secret and the token, the second hangs: the run is stopped there.
        const item = [
          {
            name: 'echo',
            request: {
              method: 'POST',
              url: `${servers.api.url}/public/echo/${id}?s={{oauth2_client_secret}}`,
              body: { mode: 'raw', raw: '{{oauth2_client_secret}}' },
            },
          },
          { name: 'hangs', request: { method: 'GET', url: `${servers.faults.url}/hang/${id}` } },
        ];
        await writeFile(
          join(project, 'c.postman_collection.json'),
          JSON.stringify(embedScript({ info: { name: 'cancelled' }, item }, scripts).collection),
        );
        const before = new Set(servers.faults.issued);
        const result = await runCli(
          [
            'run',
            'c.postman_collection.json',
            '-r',
            'cli,junit,json',
            '--export-environment',
            'env.json',
            ...(inSandbox ? ['--in-sandbox'] : []),
          ],
          {
            cwd: project,
            env: {
              ...WITHOUT_PROXY,
              TMPDIR: temporary,
              OAUTH2_TOKEN_URL: `${servers.faults.url}/ok/${id}`,
              OAUTH2_CLIENT_ID: 'cancel-client',
              OAUTH2_CLIENT_SECRET: SECRET,
              OAUTH2_CLIENT_AUTH: 'client_secret_post',
            },
            signalWhen: { output: /hangs/, signal },
          },
        );
        assert.notEqual(result.code, 0, 'the run did not pass');
        assert.match(result.stdout, /→ hangs/, result.stdout + result.stderr);
        const tokens = [...servers.faults.issued].filter((t) => !before.has(t));
        assert.equal(tokens.length, 1, 'the token was fetched before the run was stopped');
        assert.deepEqual(await readdir(temporary), [], '$TMPDIR is left as it was');
        for (const file of await filesUnder(project)) {
          const text = await readFile(file, 'utf8');
          assert.deepEqual(valueLeaks(text, SECRET, 'cancel-client'), [], `${file} holds the secret`);
          assert.deepEqual(valueLeaks(text, tokens[0] ?? ''), [], `${file} holds the token`);
        }
      });
    }
  }

  // --parallel: the group's signal reaches every worker (a cancelled CI job), or only the parent's
  // does (kill <pid>), which passes it on: either way no worker outlives the run, and nothing is left.
  for (const [signal, only] of [
    ['SIGTERM', undefined],
    ['SIGINT', undefined],
    ['SIGTERM', 'command'],
  ] as const) {
    it(`--parallel 2, ${signal} to ${only ? 'the parent only' : 'the process group'} with both workers mid-request: no worker left running, nothing with the secret or the token in any file`, async () => {
      const { servers, dir } = suite;
      const id = `cancelpar${suite.next()}`;
      const project = join(dir, id);
      const temporary = join(project, 'tmp');
      await mkdir(temporary, { recursive: true });
      const scripts = await readScripts(DEFAULT_SCRIPT_PATHS);
      const folder = (name: string) => ({
        name,
        item: [
          {
            name: `echo ${name}`,
            request: {
              method: 'POST',
              url: `${servers.api.url}/public/echo/${id}${name}?s={{oauth2_client_secret}}`,
              body: { mode: 'raw', raw: '{{oauth2_client_secret}}' },
            },
          },
          { name: `hangs ${name}`, request: { method: 'GET', url: `${servers.faults.url}/hang/${id}${name}` } },
        ],
      });
      await writeFile(
        join(project, 'c.postman_collection.json'),
        JSON.stringify(
          embedScript({ info: { name: 'cancelled' }, item: [folder('A'), folder('B')] }, scripts).collection,
        ),
      );
      const before = new Set(servers.faults.issued);
      const hangingBefore = servers.faults.hanging();
      const result = await runCli(['run', 'c.postman_collection.json', '--parallel', '2', '-r', 'cli,junit,json'], {
        cwd: project,
        env: {
          ...WITHOUT_PROXY,
          TMPDIR: temporary,
          [MARK_VARIABLE]: id,
          OAUTH2_TOKEN_URL: `${servers.faults.url}/ok/${id}`,
          OAUTH2_CLIENT_ID: 'cancel-client',
          OAUTH2_CLIENT_SECRET: SECRET,
          OAUTH2_CLIENT_AUTH: 'client_secret_post',
        },
        signalWhen: { when: () => servers.faults.hanging() - hangingBefore >= 2, signal, ...(only ? { only } : {}) },
        limitMs: 15_000,
      });
      // Exit 1 is the parent's own verdict: killed by the helper after its time limit, it would be null.
      assert.equal(
        result.code,
        1,
        `the parent stopped its workers and failed the run\n${result.stdout}${result.stderr}`,
      );
      assert.match(result.stdout, new RegExp(`worker [12] ended without finishing \\(signal ${signal}\\)`));
      assert.deepEqual(await markedProcesses(id), [], 'a worker outlived the run');
      const tokens = [...servers.faults.issued].filter((t) => !before.has(t));
      assert.equal(tokens.length, 1, 'one token, for both workers, before the run was stopped');
      assert.deepEqual(await readdir(temporary), [], '$TMPDIR is left as it was');
      for (const [name, text] of [
        ['stdout', result.stdout],
        ['stderr', result.stderr],
      ] as const) {
        assert.deepEqual(valueLeaks(text, SECRET, 'cancel-client'), [], `${name} holds the secret`);
      }
      for (const file of await filesUnder(project)) {
        const text = await readFile(file, 'utf8');
        assert.deepEqual(valueLeaks(text, SECRET, 'cancel-client'), [], `${file} holds the secret`);
        assert.deepEqual(valueLeaks(text, tokens[0] ?? ''), [], `${file} holds the token`);
      }
    });
  }
});
