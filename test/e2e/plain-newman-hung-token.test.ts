// A token endpoint that never answers, in plain newman: the script gives up after oauth2_token_timeout
// and fails the requests, but it cannot close the engine's connection, and newman waits for it before
// exiting. With --timeout-request (which the failure advises and build notes) the CI job ends.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_SCRIPT_PATHS, readScripts } from '../../src/generator/build.js';
import { embedScript } from '../../src/generator/embed.js';
import { WITHOUT_PROXY } from '../helpers/cli.js';
import { requests } from '../helpers/collection.js';
import { PLAIN_NEWMAN_CLI } from '../helpers/engines.js';
import { runProcess } from '../helpers/process.js';
import { useSuite } from '../helpers/job.js';

describe('plain newman and a token endpoint that never answers', function () {
  this.timeout(60_000);
  const suite = useSuite('hung');

  for (const [version, bin] of Object.entries(PLAIN_NEWMAN_CLI)) {
    it(`newman ${version} with --timeout-request: the run fails with the advice and the process ends`, async () => {
      const { servers, dir } = suite;
      const serial = suite.next();
      const base = servers.apiBase('hung');
      const file = join(dir, `hung${serial}.postman_collection.json`);
      const item = requests(2, base).map((r) => ({ name: r.name, request: { method: 'GET', url: r.url } }));
      await writeFile(
        file,
        JSON.stringify(
          embedScript({ info: { name: 'hung' }, item }, await readScripts(DEFAULT_SCRIPT_PATHS)).collection,
        ),
      );
      const started = Date.now();
      const result = await runProcess(
        process.execPath,
        [
          bin,
          'run',
          file,
          '--reporters',
          'cli',
          '--timeout-request',
          '3000',
          '--env-var',
          `oauth2_token_url=${servers.faults.url}/hang/plain${serial}`,
          '--env-var',
          'oauth2_client_id=c',
          '--env-var',
          'oauth2_client_secret=hung-secret',
          '--env-var',
          'oauth2_token_timeout=1',
        ],
        { env: WITHOUT_PROXY, limitMs: 20_000 },
      );
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.ok(Date.now() - started < 15_000, 'the process ended soon after --timeout-request');
      assert.match(result.stdout.replace(/\n\s*│ /g, ''), /timed out.*in plain newman also pass --timeout-request/);
      assert.equal(servers.apiCalls(base).length, 0, 'the API received nothing');
      assert.equal(servers.faults.requests(`/hang/plain${serial}`), 1, 'asked once');
    });
  }
});
