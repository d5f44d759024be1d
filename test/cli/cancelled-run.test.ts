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
          { name: 'echo', request: { method: 'POST', url: `${servers.api.url}/public/echo/${id}?s={{oauth2_client_secret}}`, body: { mode: 'raw', raw: '{{oauth2_client_secret}}' } } },
          { name: 'hangs', request: { method: 'GET', url: `${servers.faults.url}/hang/${id}` } },
        ];
        await writeFile(join(project, 'c.postman_collection.json'), JSON.stringify(embedScript({ info: { name: 'cancelled' }, item }, scripts).collection));
        const before = new Set(servers.faults.issued);
        const result = await runCli(['run', 'c.postman_collection.json', '-r', 'cli,junit,json', '--export-environment', 'env.json', ...(inSandbox ? ['--in-sandbox'] : [])], {
          cwd: project,
          env: { ...WITHOUT_PROXY, TMPDIR: temporary, OAUTH2_TOKEN_URL: `${servers.faults.url}/ok/${id}`, OAUTH2_CLIENT_ID: 'cancel-client', OAUTH2_CLIENT_SECRET: SECRET, OAUTH2_CLIENT_AUTH: 'client_secret_post' },
          signalWhen: { output: /hangs/, signal },
        });
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
});
