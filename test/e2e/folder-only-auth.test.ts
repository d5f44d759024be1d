import assert from 'node:assert/strict';
import { buildScript } from '../../scripts/build-script.js';
import { DEFAULT_SCRIPT_PATHS, readScripts } from '../../src/generator/build.js';
import type { Collection } from '../../src/generator/collection-types.js';
import { embedScript } from '../../src/generator/embed.js';
import { FAILURE_TEST_NAME } from '../../src/oauth/vocabulary.js';
import { ENGINES, OLDER_NEWMANS } from '../helpers/engines.js';
import { graphCollection } from '../helpers/graph-export.js';
import { CLIENTS, startTestServers, type TestServers } from '../helpers/servers.js';

// A collection exported from Microsoft Graph's workspace: no auth at the root, client credentials on
// one folder. Only that folder's requests get a token; the others sent no auth before the build and
// send none after it, in every engine that can tell a request's folder.
const WITH_LOCATION = [...ENGINES, ...OLDER_NEWMANS.filter(([name]) => name === 'newman 6.1.3')];
const WITHOUT_LOCATION = OLDER_NEWMANS.filter(([name]) => name !== 'newman 6.1.3');

for (const [engineName, run] of WITH_LOCATION) {
  describe(`a collection whose only client credentials are on a folder, in ${engineName}`, function () {
    this.timeout(60_000);
    let servers: TestServers;
    let collection: Collection;

    before(async () => {
      [servers] = await Promise.all([startTestServers(), buildScript()]);
      const source = await graphCollection(servers.auth.tokenUrl);
      collection = embedScript(source, await readScripts(DEFAULT_SCRIPT_PATHS)).collection;
    });
    after(() => servers.close());

    it("gets the folder's token for the folder's requests only; the others go out without auth, as before", async () => {
      const before = { tokens: servers.auth.tokensIssued(CLIENTS.post.clientId), calls: servers.api.calls.length };
      // Only the export's own variables: no default client is configured, and none is asked for.
      const result = await run(collection, {
        environment: {
          base: servers.api.url,
          ClientID: CLIENTS.post.clientId,
          ClientSecret: CLIENTS.post.clientSecret,
        },
      });
      assert.deepEqual(result.failures, []);
      assert.equal(result.blocked, 0);
      assert.equal(servers.auth.tokensIssued(CLIENTS.post.clientId) - before.tokens, 1);
      assert.deepEqual(
        servers.api.calls.slice(before.calls).map((c) => [c.path, c.authorization?.split(' ')[0], c.clientId]),
        [
          ['/public/health', undefined, undefined],
          ['/api/reports/daily', 'Bearer', CLIENTS.post.clientId],
          ['/public/me', undefined, undefined],
        ],
      );
    });

    it("fails closed for the folder's request when its client is not set, and for it only", async () => {
      const before = servers.api.calls.length;
      const result = await run(collection, { environment: { base: servers.api.url, ClientID: CLIENTS.post.clientId } });
      assert.deepEqual(
        result.failures.map((f) => f.test),
        [FAILURE_TEST_NAME],
      );
      assert.match(
        result.failures[0]?.message ?? '',
        /oauth2_application_client_secret (is not set|refers to \{\{ClientSecret\}\})/,
      );
      assert.deepEqual(
        servers.api.calls.slice(before).map((c) => c.path),
        ['/public/health', '/public/me'],
      );
    });
  });
}

for (const [engineName, run] of WITHOUT_LOCATION) {
  describe(`a collection whose only client credentials are on a folder, in ${engineName}, which cannot tell a request's folder`, function () {
    this.timeout(60_000);
    let servers: TestServers;

    before(async () => {
      [servers] = await Promise.all([startTestServers(), buildScript()]);
    });
    after(() => servers.close());

    it("fails closed, saying what to upgrade: the folder's request never goes out without its token", async () => {
      const source = await graphCollection(servers.auth.tokenUrl);
      const collection = embedScript(source, await readScripts(DEFAULT_SCRIPT_PATHS)).collection;
      const before = { calls: servers.api.calls.length, tokens: servers.auth.tokenRequests() };
      const result = await run(collection, {
        environment: {
          base: servers.api.url,
          ClientID: CLIENTS.post.clientId,
          ClientSecret: CLIENTS.post.clientSecret,
        },
      });
      const ours = result.failures.filter((f) => f.test === FAILURE_TEST_NAME);
      assert.ok(ours.length >= 1, JSON.stringify(result.failures));
      for (const failure of ours) assert.match(failure.message, /Fix: run it with Newman 6\.1 or later/);
      // Not knowing which request is the folder's, the script lets none through.
      assert.deepEqual(
        servers.api.calls.slice(before.calls).map((c) => c.path),
        [],
      );
      assert.equal(servers.auth.tokenRequests(), before.tokens);
    });
  });
}
