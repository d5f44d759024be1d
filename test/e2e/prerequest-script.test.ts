import assert from 'node:assert/strict';
import { buildScript } from '../../scripts/build-script.js';
import { collectionWithScript, requests } from '../helpers/collection.js';
import { ENGINES, type EngineRun } from '../helpers/engines.js';
import { CLIENTS, startTestServers, type TestServers } from '../helpers/servers.js';

const FAILURE_TEST = 'pm-oauth2: access token';

function assertNoSecrets(run: EngineRun, secrets: readonly string[]): void {
  for (const secret of secrets) assert.ok(!run.output.includes(secret), `the output contains the secret ${JSON.stringify(secret.slice(0, 2))}…`);
}

for (const [engineName, run] of ENGINES) {
  describe(`the pre-request script in ${engineName}`, function () {
    this.timeout(60_000);
    let script: string;
    let servers: TestServers;
    let path = 0;
    /** A fresh API path per test, so the API's counts tell the tests apart. */
    const apiBase = () => `${servers.api.url}/api/t${++path}`;
    const apiCalls = (base: string) => servers.api.calls.filter((c) => c.path.startsWith(new URL(base).pathname + '/'));

    before(async () => {
      [script, servers] = await Promise.all([buildScript(), startTestServers()]);
    });
    after(() => servers.close());

    it('makes N requests with one token request, over client_secret_basic with a secret of + / = : & % and space', async () => {
      const base = apiBase();
      const before = servers.auth.tokenRequests();
      const result = await run(collectionWithScript(script, requests(5, base)), { environment: servers.variablesFor(CLIENTS.basic) });
      assert.deepEqual(result.failures, []);
      assert.equal(servers.auth.tokenRequests() - before, 1);
      assert.deepEqual(apiCalls(base).map((c) => [c.status, c.clientId]), Array(5).fill([200, CLIENTS.basic.clientId]));
      assert.equal(typeof result.environment['oauth2_access_token'], 'string');
      assert.ok(Number(result.environment['oauth2_expires_at']) > Date.now());
      assert.match(String(result.environment['oauth2_token_fingerprint']), /^v1:[0-9a-f]{64}$/);
      assertNoSecrets(result, [CLIENTS.basic.clientSecret, String(result.environment['oauth2_access_token'])]);
      assert.ok(result.consoleLines.some((l) => /^pm-oauth2: new token \(client_secret_basic, 300 s from expires_in, expires 20\d\d-.*Z\): eyJhbG…\(\d+ chars\)$/.test(l)));
    });
  });
}
