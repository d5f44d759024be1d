// pm-oauth2 run's fast path: tokens kept in Node and signed in by an auth handler inside Newman's
// runtime, with no sandbox execution of ours per request. Every guarantee of the script must hold.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildScript } from '../../scripts/build-script.js';
import { DEFAULT_SCRIPT_PATHS, readScripts } from '../../src/generator/build.js';
import type { Collection } from '../../src/generator/collection-types.js';
import { embedScript, type ScriptVariants } from '../../src/generator/embed.js';
import { Reports } from '../../src/runner/reports.js';
import { runJob, type JobResult } from '../../src/runner/run-job.js';
import { mergeVariables } from '../../src/runner/variable-sources.js';
import { credentialLeaks } from '../helpers/leaks.js';
import { CLIENTS, startTestServers, type TestServers } from '../helpers/servers.js';

const FAILURE_TEST = 'pm-oauth2: access token';

/** The table of default variables in the postman-collection Newman's runtime resolves with. */
function runtimeDefaultVariables(): Record<string, unknown> {
  const fromNewman = createRequire(createRequire(import.meta.url).resolve('newman'));
  const fromRuntime = createRequire(fromNewman.resolve('postman-runtime'));
  const superstring = createRequire(fromRuntime.resolve('postman-collection')).resolve('./lib/superstring');
  return (fromRuntime(superstring) as { Substitutor: { DEFAULT_VARS: Record<string, unknown> } }).Substitutor
    .DEFAULT_VARS;
}

interface FastRun {
  readonly result: JobResult;
  readonly failures: Array<{ source: string; message: string }>;
  readonly lines: string[];
  /** Everything a user could read: the terminal and the report files. */
  readonly output: string;
}

describe('pm-oauth2 run, in process (no sandbox execution of ours per request)', function () {
  this.timeout(60_000);
  let servers: TestServers;
  let scripts: ScriptVariants;
  let dir: string;
  let serial = 0;

  before(async () => {
    [servers] = await Promise.all([startTestServers(), buildScript()]);
    scripts = await readScripts(DEFAULT_SCRIPT_PATHS);
    dir = await mkdtemp(join(tmpdir(), 'pm-oauth2-fast-'));
  });
  afterEach(() => {
    servers.api.revokeWhen = undefined;
  });
  after(async () => {
    await servers.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A built collection whose requests each test for a 200; `wait` ms of test-script time after each. */
  function built(base: string, count: number, wait = 0): Collection {
    const test = [
      "pm.test('200 OK', () => pm.response.to.have.status(200));",
      ...(wait ? [`setTimeout(() => {}, ${wait});`] : []),
    ];
    return embedScript(
      {
        info: { name: 'fast path', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
        item: Array.from({ length: count }, (_, i) => ({
          name: `request ${i + 1}`,
          request: { method: 'GET', url: `${base}/${i + 1}` },
          event: [{ listen: 'test', script: { type: 'text/javascript', exec: test } }],
        })),
      },
      scripts,
    ).collection;
  }

  async function runFast(collections: Collection[], variables: Record<string, string>): Promise<FastRun> {
    const files = await Promise.all(
      collections.map(async (collection, i) => {
        const file = join(dir, `c${++serial}-${i}.postman_collection.json`);
        await writeFile(file, JSON.stringify(collection));
        return file;
      }),
    );
    const reportDir = join(dir, `reports-${serial}`);
    const lines: string[] = [];
    const terminal = { out: (line: string) => void lines.push(line), err: (line: string) => void lines.push(line) };
    const result = await runJob({
      collections: files,
      environment: undefined,
      terminal,
      variables: mergeVariables({
        environment: undefined,
        dotenvText: undefined,
        processEnv: {},
        flags: Object.entries(variables).map(([k, v]) => `${k}=${v}`),
      }),
      reports: await Reports.create({ reporters: ['junit', 'json'], reportDir, junitFile: undefined }),
      exportEnvironmentFile: undefined,
      timeoutRequestMs: 20_000,
      bail: false,
      iterationCount: undefined,
      env: {},
    });
    const reports = await Promise.all(result.files.map((f) => readFile(f, 'utf8')));
    const failures = result.collections.flatMap((c) => c.outcome.failures);
    return { result, failures, lines, output: [...lines, ...reports].join('\n') };
  }

  it("N requests, two collections: one token request, every request signed with the client's token", async () => {
    const base = servers.apiBase('fast');
    const before = servers.auth.tokenRequests();
    const run = await runFast([built(base, 3), built(base, 2)], servers.variablesFor(CLIENTS.basic));
    assert.deepEqual(run.failures, []);
    assert.equal(servers.auth.tokenRequests() - before, 1);
    assert.equal(run.result.tokenStats.count, 1);
    assert.deepEqual(
      servers.apiCalls(base).map((c) => [c.status, c.clientId]),
      Array(5).fill([200, CLIENTS.basic.clientId]),
    );
    assert.ok(
      run.lines.some((l) =>
        /│ pm-oauth2: new token \(client_secret_basic, (299|300) s from (expires_in|jwt_exp), expires .*\): eyJhbG…\(\d+ chars\)/.test(
          l,
        ),
      ),
    );
    assert.deepEqual(credentialLeaks(run.output, CLIENTS.basic.clientSecret, CLIENTS.basic.clientId), []);
    assert.ok(!/eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]{5,}/.test(run.output), 'a whole token is in the output');
  });

  it('renews a 2-second token before it expires: no API request is ever rejected', async () => {
    const base = servers.apiBase('fast-renew');
    const before = servers.auth.tokensIssued(CLIENTS.shortLived.clientId);
    const run = await runFast([built(base, 6, 500)], servers.variablesFor(CLIENTS.shortLived));
    assert.deepEqual(run.failures, []);
    assert.ok(servers.auth.tokensIssued(CLIENTS.shortLived.clientId) - before >= 2, 'the token was renewed');
    assert.deepEqual(
      servers.apiCalls(base).map((c) => c.status),
      Array(6).fill(200),
    );
  });

  it('a token revoked mid-run costs one replayed request and one token request, and the run passes', async () => {
    const base = servers.apiBase('fast-revoke');
    servers.api.revokeWhen = (p) => p === `${new URL(base).pathname}/2` && !servers.api.calls.some((c) => c.path === p);
    const before = servers.auth.tokenRequests();
    const run = await runFast([built(base, 3)], servers.variablesFor(CLIENTS.basic));
    assert.deepEqual(run.failures, []);
    assert.equal(servers.auth.tokenRequests() - before, 2);
    assert.deepEqual(
      servers.apiCalls(base).map((c) => [c.path.split('/').pop(), c.status]),
      [
        ['1', 200],
        ['2', 401],
        ['2', 200],
        ['3', 200],
      ],
    );
  });

  it('a permanently rejecting API: one replay per request, never a loop, and the tests fail', async () => {
    const base = servers.apiBase('fast-reject');
    servers.api.revokeWhen = (p) => p.startsWith(new URL(base).pathname);
    const run = await runFast([built(base, 2)], servers.variablesFor(CLIENTS.basic));
    assert.deepEqual(
      servers.apiCalls(base).map((c) => [c.path.split('/').pop(), c.status]),
      [
        ['1', 401],
        ['1', 401],
        ['2', 401],
        ['2', 401],
      ],
    );
    assert.deepEqual(
      run.failures.map((f) => f.source),
      ['request 1 › 200 OK', 'request 2 › 200 OK'],
    );
  });

  it('oauth2_retry_on_401=false: no replay', async () => {
    const base = servers.apiBase('fast-noretry');
    servers.api.revokeWhen = (p) => p === `${new URL(base).pathname}/2`;
    await runFast([built(base, 3)], servers.variablesFor(CLIENTS.basic, { oauth2_retry_on_401: 'false' }));
    assert.deepEqual(
      servers.apiCalls(base).map((c) => c.status),
      [200, 401, 401],
    );
  });

  it('refetches when a script switches the credentials mid-run, and never sends the old token for them', async () => {
    const base = servers.apiBase('fast-switch');
    const collection = built(base, 4);
    collection.item[1]?.event?.push({
      listen: 'test',
      script: {
        exec: [
          `pm.environment.set('oauth2_client_id', '${CLIENTS.other.clientId}'); pm.environment.set('oauth2_client_secret', '${CLIENTS.other.clientSecret}');`,
        ],
      },
    });
    const run = await runFast([collection], servers.variablesFor(CLIENTS.basic));
    assert.deepEqual(run.failures, []);
    assert.deepEqual(
      servers.apiCalls(base).map((c) => c.clientId),
      [CLIENTS.basic.clientId, CLIENTS.basic.clientId, CLIENTS.other.clientId, CLIENTS.other.clientId],
    );
  });

  it('an optional variable a script sets mid-run is used from the next request; unset ones stay unset for scripts; the runtime is left as found', async () => {
    const base = servers.apiBase('fast-optional');
    const collection = built(base, 3);
    collection.item[0]?.event?.push({
      listen: 'test',
      script: { exec: ["pm.environment.set('oauth2_scope', 'api:read');"] },
    });
    collection.item[1]?.event?.push({
      listen: 'test',
      script: {
        exec: [
          "pm.test('unset is undefined', () => pm.expect(pm.variables.get('oauth2_key_id')).to.equal(undefined));",
        ],
      },
    });
    const before = servers.auth.tokenRequests();
    const run = await runFast([collection], servers.variablesFor(CLIENTS.basic));
    assert.deepEqual(run.failures, []);
    assert.equal(servers.auth.tokenRequests() - before, 2, 'the new scope is a new configuration: one more token');
    assert.deepEqual(
      servers.apiCalls(base).map((c) => c.status),
      [200, 200, 200],
    );
    assert.deepEqual(
      Object.keys(runtimeDefaultVariables()).filter((name) => name.startsWith('oauth2_')),
      [],
    );
  });

  it("two profiles: each folder's requests carry their own client's token", async () => {
    const source = JSON.parse(await readFile('collections/two-profiles.postman_collection.json', 'utf8')) as Collection;
    const collection = embedScript(source, scripts, { folderProfiles: { Admin: 'admin' } }).collection;
    const before = servers.api.calls.length;
    const run = await runFast([collection], {
      ...servers.variablesFor(CLIENTS.demo),
      oauth2_admin_client_id: CLIENTS.demoAdmin.clientId,
      oauth2_admin_client_secret: CLIENTS.demoAdmin.clientSecret,
      api_base_url: servers.api.url,
    });
    assert.deepEqual(run.failures, []);
    assert.deepEqual(
      servers.api.calls.slice(before).map((c) => [c.path, c.clientId]),
      [
        ['/api/reports/daily', CLIENTS.demo.clientId],
        ['/api/admin/users', CLIENTS.demoAdmin.clientId],
      ],
    );
    assert.equal(run.result.expiries.length, 2);
  });

  describe('fails closed: the API gets nothing, each request fails once with the cause, and the endpoint is asked once', () => {
    const cases: Array<
      [name: string, vars: (s: TestServers) => Record<string, string>, tokenRequests: number, cause: RegExp]
    > = [
      [
        'a refused connection',
        (s) => ({
          oauth2_token_url: `http://127.0.0.1:${s.closedPort}/token`,
          oauth2_client_id: 'c',
          oauth2_client_secret: 'fault-secret',
        }),
        1,
        /TOKEN_REQUEST_FAILED.*ECONNREFUSED/,
      ],
      [
        'a wrong secret (oidc-provider)',
        (s) => ({ ...s.variablesFor(CLIENTS.basic), oauth2_client_secret: 'wrong "secret" +/= \\' }),
        1,
        /401 invalid_client.*Fix:/,
      ],
      [
        'an HTML page',
        (s) => ({
          oauth2_token_url: `${s.faults.url}/html/fast`,
          oauth2_client_id: 'c',
          oauth2_client_secret: 'fault-secret',
        }),
        1,
        /HTML page/,
      ],
      [
        'a server that echoes the secret',
        (s) => ({
          oauth2_token_url: `${s.faults.url}/echo-secret/fast`,
          oauth2_client_id: 'c',
          oauth2_client_secret: 'echo/"secret"&x\\é',
          oauth2_client_auth: 'client_secret_post',
        }),
        1,
        /400 invalid_request: "bad request: .*client_secret=\*\*\*/,
      ],
    ];
    for (const [name, vars, tokenRequests, cause] of cases) {
      it(name, async () => {
        const base = servers.apiBase('fast-closed');
        const variables = vars(servers);
        const run = await runFast([built(base, 3)], variables);
        assert.equal(servers.apiCalls(base).length, 0, 'the API received no request');
        assert.deepEqual(
          run.failures.map((f) => f.source),
          [1, 2, 3].map((n) => `request ${n} › ${FAILURE_TEST}`),
        );
        for (const failure of run.failures) assert.match(failure.message, cause);
        assert.equal(run.result.tokenStats.count, tokenRequests);
        assert.match(
          run.output,
          /<failure[^>]*>[\s\S]*no access token, so the request was not sent/,
          'JUnit has the named failure',
        );
        assert.deepEqual(
          credentialLeaks(run.output, variables['oauth2_client_secret'] ?? '', variables['oauth2_client_id']),
          [],
        );
      });
    }
  });
});
