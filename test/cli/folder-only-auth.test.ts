import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphCollection } from '../helpers/graph-export.js';
import { runCli, WITHOUT_PROXY } from '../helpers/cli.js';
import { credentialLeaks } from '../helpers/leaks.js';
import { CLIENTS, startTestServers, type TestServers } from '../helpers/servers.js';

// `pm-oauth2 run` on a Microsoft Graph export, with only what its own variables and the CI's secret
// store give: no default client is asked for, and a missing secret is asked for under the name CI exports.
describe('pm-oauth2 run: a collection whose only client credentials are on a folder', function () {
  this.timeout(60_000);
  let servers: TestServers;
  let project: string;

  before(async () => {
    servers = await startTestServers();
    project = await mkdtemp(join(tmpdir(), 'pm-oauth2-graph-'));
    await mkdir(join(project, 'collections'));
    await mkdir(join(project, 'environments'));
    await writeFile(
      join(project, 'collections', 'graph.postman_collection.json'),
      JSON.stringify(await graphCollection(servers.auth.tokenUrl)),
    );
    await writeFile(
      join(project, 'environments', 'dev.postman_environment.json'),
      JSON.stringify({
        name: 'dev',
        values: [
          { key: 'base', value: servers.api.url, enabled: true },
          { key: 'ClientID', value: CLIENTS.post.clientId, enabled: true },
        ],
      }),
    );
  });
  after(async () => {
    await servers.close();
    await rm(project, { recursive: true, force: true });
  });

  const run = (env: NodeJS.ProcessEnv) =>
    runCli(['run', 'collections', '--env', 'dev', '--reporters', 'cli,junit', '--reporter-junit-export', 'junit.xml'], {
      cwd: project,
      env: { ...WITHOUT_PROXY, OAUTH2_CLIENT_SECRET: undefined, OAUTH2_APPLICATION_CLIENT_SECRET: undefined, ...env },
    });

  it("runs with the folder's secret from CI; the requests outside the folder need no client", async () => {
    const before = servers.api.calls.length;
    const result = await run({ OAUTH2_APPLICATION_CLIENT_SECRET: CLIENTS.post.clientSecret });
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.doesNotMatch(result.stderr + result.stdout, /oauth2_token_url is not set/);
    assert.deepEqual(
      servers.api.calls.slice(before).map((c) => [c.path, c.clientId]),
      [
        ['/public/health', undefined],
        ['/api/reports/daily', CLIENTS.post.clientId],
        ['/public/me', undefined],
      ],
    );
    const junit = await readFile(join(project, 'junit.xml'), 'utf8');
    assert.deepEqual(
      credentialLeaks(result.stdout + result.stderr + junit, CLIENTS.post.clientSecret, CLIENTS.post.clientId),
      [],
    );
  });

  it('without the secret, nothing runs and the message names what CI exports for it', async () => {
    const before = servers.api.calls.length;
    const result = await run({});
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /profile application: oauth2_application_client_secret refers to \{\{ClientSecret\}\}/);
    assert.match(result.stderr, /export OAUTH2_APPLICATION_CLIENT_SECRET/);
    assert.doesNotMatch(result.stderr, /oauth2_token_url is not set|--env-var ClientSecret=/);
    assert.equal(servers.api.calls.length, before);
  });
});
