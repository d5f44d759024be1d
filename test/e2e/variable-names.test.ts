// Migration from a hand-written token script: with the team's own names in pm-oauth2.config.json
// ("variables"), the built script reads their environment (client_id, client_secret, scope) and
// writes the token and expiry where their requests and tests look (jwt, AccessTokenExpiry) — and
// the stale token their old script left in the environment is never sent.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildScript } from '../../scripts/build-script.js';
import { buildCollections, DEFAULT_SCRIPT_PATHS, readScripts } from '../../src/generator/build.js';
import type { Collection } from '../../src/generator/collection-types.js';
import { embedScript } from '../../src/generator/embed.js';
import { decodeJwt } from '../../src/oauth/jwt.js';
import { maskToken } from '../../src/oauth/mask.js';
import { runCli, WITHOUT_PROXY } from '../helpers/cli.js';
import { credentialLeaks } from '../helpers/leaks.js';
import { ENGINES, OLDER_NEWMANS, runNewman } from '../helpers/engines.js';
import { CLIENTS, startTestServers, type TestServers } from '../helpers/servers.js';

/** The names of the widely copied community script. */
const COMMUNITY_NAMES = {
  oauth2_access_token: 'jwt',
  oauth2_expires_at: 'AccessTokenExpiry',
  oauth2_client_id: 'client_id',
  oauth2_client_secret: 'client_secret',
  oauth2_scope: 'scope',
};
const STALE = 'stale-token-from-the-old-script';

for (const [engineName, run] of [...ENGINES, ...OLDER_NEWMANS.filter(([name]) => name === 'newman 5.3.2')]) {
  describe(`the team's own variable names in ${engineName}`, function () {
    this.timeout(60_000);
    let servers: TestServers;
    let collection: Collection;
    let base: string;

    before(async () => {
      [servers] = await Promise.all([startTestServers(), buildScript()]);
      base = servers.apiBase('names');
      const source: Collection = {
        info: { name: 'migrated', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
        item: [
          { name: 'inherits the root Bearer', request: { method: 'GET', url: `${base}/one` } },
          // Their requests that set the header by hand, from the old script's days.
          {
            name: 'its own header',
            request: {
              method: 'GET',
              url: `${base}/two`,
              auth: { type: 'noauth' },
              header: [{ key: 'Authorization', value: 'Bearer {{jwt}}' }],
            },
          },
          { name: 'again', request: { method: 'GET', url: `${base}/three` } },
        ],
      };
      collection = embedScript(source, await readScripts(DEFAULT_SCRIPT_PATHS), {
        variableNames: COMMUNITY_NAMES,
      }).collection;
    });
    after(() => servers.close());

    const theirEnvironment = (extra: Record<string, string> = {}) => ({
      oauth2_token_url: servers.auth.tokenUrl,
      oauth2_resource: 'urn:pm-oauth2:demo-api',
      client_id: CLIENTS.demo.clientId,
      client_secret: CLIENTS.demo.clientSecret,
      scope: 'api:read',
      jwt: STALE,
      AccessTokenExpiry: '2099-01-01T00:00:00Z',
      ...extra,
    });

    it('reads their names, writes the token and expiry under theirs, one token for every request; the stale token is never sent', async () => {
      const before = { tokens: servers.auth.tokensIssued(CLIENTS.demo.clientId), calls: servers.apiCalls(base).length };
      const result = await run(collection, { environment: theirEnvironment() });
      assert.deepEqual(result.failures, []);
      assert.equal(servers.auth.tokensIssued(CLIENTS.demo.clientId) - before.tokens, 1);
      const calls = servers.apiCalls(base).slice(before.calls);
      assert.deepEqual(
        calls.map((c) => [c.status, c.clientId]),
        Array(3).fill([200, CLIENTS.demo.clientId]),
      );
      assert.ok(calls.every((c) => !c.authorization?.includes(STALE)));
      const token = String(result.environment['jwt']);
      assert.equal(decodeJwt(token)?.claims['client_id'], CLIENTS.demo.clientId);
      assert.ok(Number(result.environment['AccessTokenExpiry']) > Date.now(), 'the expiry as epoch milliseconds');
      assert.equal(result.environment['oauth2_access_token'], undefined, 'nothing under our own name');
      assert.equal(result.environment['scope'], 'api:read');
    });

    it('their name unset, ours is read: the secret pm-oauth2 run takes from OAUTH2_CLIENT_SECRET reaches the script', async () => {
      const before = servers.apiCalls(base).length;
      const result = await run(collection, {
        environment: { ...theirEnvironment({ client_secret: '' }), oauth2_client_secret: CLIENTS.demo.clientSecret },
      });
      assert.deepEqual(result.failures, []);
      assert.deepEqual(
        servers
          .apiCalls(base)
          .slice(before)
          .map((c) => c.status),
        [200, 200, 200],
      );
    });

    it('a missing secret is named by their name, and nothing is sent', async () => {
      const before = servers.apiCalls(base).length;
      const result = await run(collection, { environment: theirEnvironment({ client_secret: '' }) });
      assert.ok(result.failures.length > 0);
      for (const failure of result.failures) assert.match(failure.message, /client_secret is not set/);
      assert.ok(!result.output.includes('oauth2_client_secret is not set'));
      assert.equal(
        servers
          .apiCalls(base)
          .slice(before)
          .filter((c) => c.status === 200).length,
        0,
      );
    });
  });
}

describe("the team's own variable names through pm-oauth2 run", function () {
  this.timeout(60_000);
  /** Its raw, form, URL, JSON and Basic forms all differ. */
  const SECRET = 'team/"secret" &+x\\é';
  let servers: TestServers;
  let dir: string;
  let file: string;
  let base: string;

  before(async () => {
    [servers] = await Promise.all([startTestServers(), buildScript()]);
    dir = await mkdtemp(join(tmpdir(), 'pm-oauth2-names-'));
    base = servers.apiBase('names-run');
    const source: Collection = {
      info: { name: 'migrated', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
      item: [
        {
          name: 'one',
          request: { method: 'GET', url: `${base}/one` },
          // Their own test prints the token under their name.
          event: [
            {
              listen: 'test',
              script: { type: 'text/javascript', exec: ["console.log('token', pm.environment.get('jwt'));"] },
            },
          ],
        },
      ],
    };
    file = join(dir, 'migrated.postman_collection.json');
    await writeFile(
      file,
      JSON.stringify(
        embedScript(source, await readScripts(DEFAULT_SCRIPT_PATHS), { variableNames: COMMUNITY_NAMES }).collection,
      ),
    );
    // An opaque token (no JWT shape to find it by), and the secret only in the CI's secret store.
    await writeFile(
      join(dir, 'theirs.postman_environment.json'),
      JSON.stringify({
        name: 'theirs',
        values: [
          { key: 'oauth2_token_url', value: `${servers.faults.url}/ok/names-run`, type: 'default', enabled: true },
          { key: 'client_id', value: 'team-client', type: 'default', enabled: true },
          { key: 'client_secret', value: '', type: 'secret', enabled: true },
          { key: 'scope', value: 'api:read', type: 'default', enabled: true },
          { key: 'jwt', value: STALE, type: 'default', enabled: true },
        ],
      }),
    );
  });
  after(async () => {
    await servers.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("runs the collection's script (saying so), takes the secret from OAUTH2_CLIENT_SECRET, and masks the token under their name everywhere", async () => {
    const result = await runCli(
      ['run', file, '--env', join(dir, 'theirs.postman_environment.json'), '--export-environment', 'after.json'],
      { cwd: dir, env: { ...WITHOUT_PROXY, OAUTH2_CLIENT_SECRET: SECRET } },
    );
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(
      result.stderr,
      /note: tokens are fetched by the collections' script .*migrated uses your own variable names/,
    );
    assert.deepEqual(
      servers.faults.lastBasic('/ok/names-run'),
      { id: 'team-client', secret: SECRET },
      "the CI secret under the team's client id",
    );
    const [call] = servers.apiCalls(base);
    const token = call?.authorization?.replace(/^Bearer /, '') ?? '';
    assert.ok(servers.faults.issued.has(token), 'the fresh opaque token, not the stale one, reached the API');
    const exported = await readFile(join(dir, 'after.json'), 'utf8');
    assert.ok(result.stdout.includes(`│ token ${maskToken(token)}`), `the test printed it, masked: ${result.stdout}`);
    for (const output of [result.stdout + result.stderr, exported]) {
      assert.ok(!output.includes(token), `the whole token leaked: ${output}`);
      assert.deepEqual(credentialLeaks(output, SECRET, 'team-client'), []);
    }
  });
});

describe('a hand-written token script, found by build', function () {
  this.timeout(60_000);
  const SOURCE = 'test/fixtures/community/hand-written-token.postman_collection.json';
  let servers: TestServers;
  let dir: string;

  before(async () => {
    [servers] = await Promise.all([startTestServers(), buildScript()]);
    dir = await mkdtemp(join(tmpdir(), 'pm-oauth2-community-'));
  });
  after(async () => {
    await servers.close();
    await rm(dir, { recursive: true, force: true });
  });

  const build = async (replaceTokenScripts: boolean) => {
    const outcome = await buildCollections({
      inputs: [SOURCE],
      outDir: join(dir, String(replaceTokenScripts)),
      replaceTokenScripts,
    });
    const [built] = outcome.built;
    assert.ok(built, JSON.stringify(outcome.failed));
    return { warnings: built.warnings, collection: JSON.parse(await readFile(built.output, 'utf8')) as Collection };
  };
  const prerequests = (collection: Collection) =>
    (collection.event ?? []).filter((e) => e.listen === 'prerequest').map((e) => e.script?.id ?? 'theirs');

  it('without --replace-token-scripts: kept, and a warning names the flag and the names it would keep', async () => {
    const { warnings, collection } = await build(false);
    assert.deepEqual(prerequests(collection), ['pm-oauth2-prerequest', 'theirs']);
    assert.ok(
      warnings.some((w) =>
        /has its own token script .* — pass --replace-token-scripts to replace it, keeping its variable names \(jwt → oauth2_access_token, AccessTokenExpiry → oauth2_expires_at, client_id → oauth2_client_id, client_secret → oauth2_client_secret, scope → oauth2_scope\)/.test(
          w,
        ),
      ),
      warnings.join('\n'),
    );
  });

  it("with it: replaced by ours, which reads and writes its names; the team's environment works in Newman, the stale token unsent", async () => {
    const { warnings, collection } = await build(true);
    assert.deepEqual(prerequests(collection), ['pm-oauth2-prerequest']);
    assert.deepEqual(collection.auth, { type: 'bearer', bearer: [{ key: 'token', value: '{{jwt}}', type: 'string' }] });
    assert.ok(
      warnings.some((w) => /it also read host, which pm-oauth2 does not: set oauth2_token_url/.test(w)),
      warnings.join('\n'),
    );
    const before = { tokens: servers.auth.tokensIssued(CLIENTS.demo.clientId), calls: servers.api.calls.length };
    const result = await runNewman(collection, {
      environment: {
        host: servers.auth.issuer,
        client_id: CLIENTS.demo.clientId,
        client_secret: CLIENTS.demo.clientSecret,
        scope: 'api:read',
        jwt: STALE,
        AccessTokenExpiry: String(Date.now() + 3_600_000),
        oauth2_token_url: servers.auth.tokenUrl,
        oauth2_resource: 'urn:pm-oauth2:demo-api',
        api_base_url: servers.api.url,
      },
    });
    assert.deepEqual(result.failures, []);
    assert.equal(servers.auth.tokensIssued(CLIENTS.demo.clientId) - before.tokens, 1);
    assert.deepEqual(
      servers.api.calls.slice(before.calls).map((c) => [c.status, c.clientId]),
      [[200, CLIENTS.demo.clientId]],
    );
  });
});
