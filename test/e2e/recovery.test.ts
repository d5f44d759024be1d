import assert from 'node:assert/strict';
import { buildScript } from '../../scripts/build-script.js';
import type { Collection } from '../../src/generator/collection-types.js';
import { embedScript } from '../../src/generator/embed.js';
import { DEFAULT_SCRIPT_PATHS, readScripts } from '../../src/generator/build.js';
import { RETRY_MARKER } from '../../src/oauth/vocabulary.js';
import { ENGINES } from '../helpers/engines.js';
import { CLIENTS, startTestServers, type TestServers } from '../helpers/servers.js';

/** A built collection (the generator's own output), whose requests each test for a 200. */
function built(scripts: { secret: string; jwt: string }, base: string, count: number): Collection {
  const source: Collection = {
    info: { name: 'recovery', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
    item: Array.from({ length: count }, (_, i) => ({
      name: `request ${i + 1}`,
      request: { method: 'GET', url: `${base}/${i + 1}` },
      event: [
        {
          listen: 'test',
          script: { type: 'text/javascript', exec: ["pm.test('200 OK', () => pm.response.to.have.status(200));"] },
        },
      ],
    })),
  };
  return embedScript(source, scripts, { retryOn401: true }).collection;
}

for (const [engineName, run] of ENGINES) {
  describe(`renew and retry once on 401 in ${engineName}`, function () {
    this.timeout(60_000);
    let servers: TestServers;
    let scripts: { secret: string; jwt: string };
    const apiBase = () => servers.apiBase('retry');
    const apiCalls = (base: string) => servers.apiCalls(base);

    before(async () => {
      [servers] = await Promise.all([startTestServers(), buildScript()]);
      scripts = await readScripts(DEFAULT_SCRIPT_PATHS);
    });
    afterEach(() => {
      servers.api.revokeWhen = undefined;
    });
    after(() => servers.close());

    it('a token revoked mid-run costs one retried request and one token request, and the run passes', async () => {
      const base = apiBase();
      servers.api.revokeWhen = (p) =>
        p === `${new URL(base).pathname}/3` && !servers.api.calls.some((c) => c.path === p);
      const before = servers.auth.tokenRequests();
      const result = await run(built(scripts, base, 5), { environment: servers.variablesFor(CLIENTS.basic) });
      assert.deepEqual(result.failures, []);
      assert.equal(servers.auth.tokenRequests() - before, 2);
      assert.deepEqual(
        apiCalls(base).map((c) => [c.path.split('/').pop(), c.status]),
        [
          ['1', 200],
          ['2', 200],
          ['3', 401],
          ['3', 200],
          ['4', 200],
          ['5', 200],
        ],
      );
      assert.ok(
        result.consoleLines.some((l) =>
          /the API rejected the token \(401\); dropped it — "request 3" goes again/.test(l),
        ),
      );
      assert.equal(
        result.environment[RETRY_MARKER],
        undefined,
        'the retry marker is forgotten once the retried request gets through',
      );
    });

    it('a permanently rejecting API fails after one retry per request, never a loop', async () => {
      const base = apiBase();
      servers.api.revokeWhen = (p) => p.startsWith(new URL(base).pathname);
      const result = await run(built(scripts, base, 2), { environment: servers.variablesFor(CLIENTS.basic) });
      assert.deepEqual(
        apiCalls(base).map((c) => [c.path.split('/').pop(), c.status]),
        [
          ['1', 401],
          ['1', 401],
          ['2', 401],
          ['2', 401],
        ],
      );
      assert.deepEqual(
        result.failures.map((f) => f.test),
        ['200 OK', '200 OK'],
      );
      assert.ok(
        result.consoleLines.some((l) =>
          /"request 1" was rejected \(401\) again with a fresh token; not retrying/.test(l),
        ),
      );
    });

    it('oauth2_retry_on_401=false turns it off', async () => {
      const base = apiBase();
      servers.api.revokeWhen = (p) => p === `${new URL(base).pathname}/2`;
      const result = await run(built(scripts, base, 3), {
        environment: servers.variablesFor(CLIENTS.basic, { oauth2_retry_on_401: 'false' }),
      });
      assert.deepEqual(
        apiCalls(base).map((c) => c.status),
        [200, 401, 401],
      );
      assert.equal(result.failures.length, 2);
    });
  });
}
