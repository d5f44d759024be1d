import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildScript } from '../../scripts/build-script.js';
import { buildCollections } from '../../src/generator/build.js';
import { ENGINES } from '../helpers/engines.js';
import { CLIENTS, startTestServers, type TestServers } from '../helpers/servers.js';

describe('built sample collections, run against the test servers', function () {
  this.timeout(60_000);
  let servers: TestServers;
  let dir: string;
  let built: Record<string, object>;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pm-oauth2-built-'));
    [servers] = await Promise.all([startTestServers(), buildScript()]);
    const outcome = await buildCollections({ inputs: ['collections'], outDir: dir });
    assert.deepEqual(outcome.failed, []);
    built = Object.fromEntries(
      await Promise.all(
        outcome.built.map(async (b) => [b.input.split('/').pop() ?? '', JSON.parse(await readFile(b.output, 'utf8'))]),
      ),
    );
  });
  after(async () => {
    await servers.close();
    await rm(dir, { recursive: true, force: true });
  });

  for (const [engineName, run] of ENGINES) {
    it(`demo-api runs green in ${engineName}: every protected request carries a valid token, the public one none`, async () => {
      const before = { tokens: servers.auth.tokenRequests(), calls: servers.api.calls.length };
      const result = await run(built['demo-api.postman_collection.json'] ?? {}, {
        environment: { ...servers.variablesFor(CLIENTS.demo), api_base_url: servers.api.url },
      });
      assert.deepEqual(result.failures, []);
      assert.equal(servers.auth.tokenRequests() - before.tokens, 1);
      const calls = servers.api.calls.slice(before.calls);
      assert.deepEqual(
        calls.map((c) => [c.path, c.status, c.clientId]),
        [
          ['/api/orders', 200, CLIENTS.demo.clientId],
          ['/api/orders', 200, CLIENTS.demo.clientId],
          ['/health', 200, undefined],
        ],
      );
      assert.equal(calls[2]?.authorization, undefined);
    });

    it(`the converted Postman OAuth 2.0 export runs in ${engineName} with fresh tokens, the secret from the environment`, async () => {
      const before = { tokens: servers.auth.tokensIssued(CLIENTS.demo.clientId), calls: servers.api.calls.length };
      const environment = {
        auth_base_url: servers.auth.issuer,
        api_base_url: servers.api.url,
        oauth2_client_secret: CLIENTS.demo.clientSecret,
      };
      const result = await run(built['postman-oauth2-export.postman_collection.json'] ?? {}, { environment });
      assert.deepEqual(result.failures, []);
      assert.equal(servers.auth.tokensIssued(CLIENTS.demo.clientId) - before.tokens, 1);
      assert.deepEqual(
        servers.api.calls.slice(before.calls).map((c) => [c.path, c.status, c.clientId]),
        [['/api/stock/42', 200, CLIENTS.demo.clientId]],
      );
      assert.ok(result.consoleLines.some((l) => l.includes('scope "api:read"')));
    });
  }
});
