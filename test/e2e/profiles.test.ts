import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { buildScript } from '../../scripts/build-script.js';
import { DEFAULT_SCRIPT_PATHS, readScripts } from '../../src/generator/build.js';
import type { Collection } from '../../src/generator/collection-types.js';
import { embedScript } from '../../src/generator/embed.js';
import { ENGINES, OLDER_NEWMANS } from '../helpers/engines.js';
import { CLIENTS, startTestServers, type TestServers } from '../helpers/servers.js';

const WITH_LOCATION = [...ENGINES, ...OLDER_NEWMANS.filter(([name]) => name === 'newman 6.1.3')];
const WITHOUT_LOCATION = OLDER_NEWMANS.filter(([name]) => name !== 'newman 6.1.3');

for (const [engineName, run] of WITH_LOCATION) {
  describe(`credential profiles in ${engineName}`, function () {
    this.timeout(60_000);
    let servers: TestServers;
    let collection: Collection;

    before(async () => {
      [servers] = await Promise.all([startTestServers(), buildScript()]);
      const source = JSON.parse(
        await readFile('collections/two-profiles.postman_collection.json', 'utf8'),
      ) as Collection;
      // Three requests per folder, and a switch of the admin profile's client after the second admin request.
      for (const folder of source.item)
        folder.item = [1, 2, 3].map((n) => ({
          ...structuredClone(folder.item?.[0] ?? {}),
          name: `${folder.name} ${n}`,
        }));
      collection = embedScript(source, await readScripts(DEFAULT_SCRIPT_PATHS), {
        folderProfiles: { Admin: 'admin' },
      }).collection;
    });
    after(() => servers.close());

    const environment = () => ({
      ...servers.variablesFor(CLIENTS.demo),
      oauth2_admin_client_id: CLIENTS.demoAdmin.clientId,
      oauth2_admin_client_secret: CLIENTS.demoAdmin.clientSecret,
      api_base_url: servers.api.url,
    });

    it("two profiles fetch two tokens; each folder's requests carry its own profile's token", async () => {
      const before = {
        default: servers.auth.tokensIssued(CLIENTS.demo.clientId),
        admin: servers.auth.tokensIssued(CLIENTS.demoAdmin.clientId),
        calls: servers.api.calls.length,
      };
      const result = await run(collection, { environment: environment() });
      assert.deepEqual(result.failures, []);
      assert.equal(servers.auth.tokensIssued(CLIENTS.demo.clientId) - before.default, 1);
      assert.equal(servers.auth.tokensIssued(CLIENTS.demoAdmin.clientId) - before.admin, 1);
      assert.deepEqual(
        servers.api.calls.slice(before.calls).map((c) => [c.path, c.clientId]),
        [
          ...Array(3).fill(['/api/reports/daily', CLIENTS.demo.clientId]),
          ...Array(3).fill(['/api/admin/users', CLIENTS.demoAdmin.clientId]),
        ],
      );
      assert.match(String(result.environment['oauth2_admin_access_token']), /^eyJ/);
      assert.notEqual(result.environment['oauth2_admin_access_token'], result.environment['oauth2_access_token']);
    });

    it("switching one profile's credentials refetches only that profile", async () => {
      const switched = structuredClone(collection);
      const admin = switched.item[1]?.item?.[1];
      admin?.event?.push({
        listen: 'test',
        script: {
          exec: [
            `pm.environment.set('oauth2_admin_client_id', '${CLIENTS.basic.clientId}'); pm.environment.set('oauth2_admin_client_secret', '${CLIENTS.basic.clientSecret}');`,
          ],
        },
      });
      const before = {
        default: servers.auth.tokensIssued(CLIENTS.demo.clientId),
        admin: servers.auth.tokensIssued(CLIENTS.demoAdmin.clientId),
        basic: servers.auth.tokensIssued(CLIENTS.basic.clientId),
        calls: servers.api.calls.length,
      };
      const result = await run(switched, { environment: environment() });
      // The sample's own test compares with oauth2_admin_client_id, which now names basic-client.
      assert.deepEqual(result.failures, []);
      assert.equal(servers.auth.tokensIssued(CLIENTS.demo.clientId) - before.default, 1);
      assert.equal(servers.auth.tokensIssued(CLIENTS.demoAdmin.clientId) - before.admin, 1);
      assert.equal(servers.auth.tokensIssued(CLIENTS.basic.clientId) - before.basic, 1);
      assert.deepEqual(
        servers.api.calls
          .slice(before.calls)
          .map((c) => c.clientId)
          .slice(3),
        [CLIENTS.demoAdmin.clientId, CLIENTS.demoAdmin.clientId, CLIENTS.basic.clientId],
      );
    });

    it('a profile with its own client id but no secret of its own fails closed: the default secret is never sent under its id', async () => {
      const vars = { ...environment(), oauth2_admin_client_secret: '' };
      const before = {
        admin: servers.auth.tokenRequestsOf(CLIENTS.demoAdmin.clientId),
        calls: servers.api.calls.length,
      };
      const result = await run(collection, { environment: vars });
      assert.deepEqual(
        result.failures.filter((f) => f.test !== 'the admin client').map((f) => f.test),
        Array(3).fill('pm-oauth2: access token'),
      );
      for (const failure of result.failures.filter((f) => f.test === 'pm-oauth2: access token')) {
        assert.match(
          failure.message,
          /\[CONFIG_MISSING\] oauth2_admin_client_secret is not set — .*profile admin has a client of its own/,
        );
      }
      assert.equal(
        servers.auth.tokenRequestsOf(CLIENTS.demoAdmin.clientId) - before.admin,
        0,
        'no token request was made under the admin id',
      );
      assert.deepEqual(
        servers.api.calls.slice(before.calls).map((c) => c.clientId),
        Array(3).fill(CLIENTS.demo.clientId),
        "only the default profile's requests went out",
      );
    });

    it('a profile falls back to the unprefixed variables for what it does not set', async () => {
      const vars = { ...environment(), oauth2_admin_client_id: '', oauth2_admin_client_secret: '' };
      const before = servers.api.calls.length;
      const result = await run(collection, { environment: vars });
      assert.deepEqual(
        result.failures.map((f) => f.test),
        ['the admin client', 'the admin client', 'the admin client'],
      );
      assert.deepEqual(
        servers.api.calls.slice(before).map((c) => c.clientId),
        Array(6).fill(CLIENTS.demo.clientId),
      );
    });
  });
}

for (const [engineName, run] of WITHOUT_LOCATION) {
  describe(`credential profiles in ${engineName}, which cannot tell a request's folder`, function () {
    this.timeout(60_000);
    let servers: TestServers;

    before(async () => {
      [servers] = await Promise.all([startTestServers(), buildScript()]);
    });
    after(() => servers.close());

    it("fails closed, saying what to upgrade: no request goes out with another profile's token or none", async () => {
      const source = JSON.parse(
        await readFile('collections/two-profiles.postman_collection.json', 'utf8'),
      ) as Collection;
      const collection = embedScript(source, await readScripts(DEFAULT_SCRIPT_PATHS), {
        folderProfiles: { Admin: 'admin' },
      }).collection;
      const before = { calls: servers.api.calls.length, tokens: servers.auth.tokenRequests() };
      const result = await run(collection, {
        environment: {
          ...servers.variablesFor(CLIENTS.demo),
          oauth2_admin_client_id: CLIENTS.demoAdmin.clientId,
          oauth2_admin_client_secret: CLIENTS.demoAdmin.clientSecret,
          api_base_url: servers.api.url,
        },
      });
      const ours = result.failures.filter((f) => f.test === 'pm-oauth2: access token');
      assert.equal(ours.length, 2);
      for (const failure of ours)
        assert.match(
          failure.message,
          /\[CONFIG_INVALID\] this collection maps folders to credential profiles.*Fix: run it with Newman 6\.1 or later/,
        );
      assert.equal(servers.api.calls.length, before.calls, 'the API received no request');
      assert.equal(servers.auth.tokenRequests(), before.tokens);
    });
  });
}
