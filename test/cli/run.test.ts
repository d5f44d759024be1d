import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCollections } from '../../src/generator/build.js';
import { runCli, WITHOUT_PROXY, type CliResult } from '../helpers/cli.js';
import { credentialLeaks } from '../helpers/leaks.js';
import { CLIENTS, startTestServers, type TestServers } from '../helpers/servers.js';

/** The built binary in a project folder of its own, against the test servers. */
describe('pm-oauth2 run (the built binary)', function () {
  this.timeout(60_000);
  let servers: TestServers;
  let project: string;
  const secret = CLIENTS.demo.clientSecret;

  before(async () => {
    servers = await startTestServers();
    project = await mkdtemp(join(tmpdir(), 'pm-oauth2-run-'));
    await mkdir(join(project, 'environments'));
    await buildCollections({ inputs: ['collections'], outDir: join(project, 'built') });
    await writeFile(
      join(project, 'environments', 'test.postman_environment.json'),
      JSON.stringify({
        name: 'test',
        values: [
          { key: 'oauth2_token_url', value: servers.auth.tokenUrl, type: 'default', enabled: true },
          { key: 'oauth2_client_id', value: CLIENTS.demo.clientId, type: 'default', enabled: true },
          { key: 'oauth2_client_secret', value: '', type: 'secret', enabled: true },
          { key: 'api_base_url', value: servers.api.url, type: 'default', enabled: true },
          { key: 'auth_base_url', value: servers.auth.issuer, type: 'default', enabled: true },
          { key: 'oauth2_scope', value: 'api:read', type: 'default', enabled: true },
          { key: 'oauth2_resource', value: 'urn:pm-oauth2:demo-api', type: 'default', enabled: true },
          // Newman would let this later, disabled entry win.
          { key: 'oauth2_scope', value: 'api:admin', type: 'default', enabled: false },
        ],
      }),
    );
  });
  after(async () => {
    await servers.close();
    await rm(project, { recursive: true, force: true });
  });

  const run = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> =>
    runCli(['run', ...args], {
      cwd: project,
      env: { OAUTH2_CLIENT_SECRET: undefined, ...WITHOUT_PROXY, ...env },
    });
  const both = () => [
    join(project, 'built/demo-api.postman_collection.json'),
    join(project, 'built/postman-oauth2-export.postman_collection.json'),
  ];

  it('runs two collections with one token request, the secret from the process environment, and exits 0', async () => {
    const before = servers.auth.tokenRequests();
    const result = await run([...both(), '--env', 'test'], { OAUTH2_CLIENT_SECRET: secret });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(servers.auth.tokenRequests() - before, 1);
    assert.match(
      result.stdout,
      /pm-oauth2 run: passed\n\s+environment\s+test \(.*test\.postman_environment\.json\)\n\s+collections\s+2\n\s+requests\s+4\n\s+failures\s+0\n\s+token requests\s+1 \(\d+ ms\)\n\s+token expires\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(in 5 minutes\)/,
    );
    assert.ok(!(result.stdout + result.stderr).includes(secret));
  });

  it('checks every place a report goes before the first request: a --report-dir that is a file, or a report file that is a folder, exits 2 and nothing runs', async () => {
    await writeFile(join(project, 'a-file'), 'not a folder');
    await mkdir(join(project, 'a-folder'), { recursive: true });
    const cases: Array<[string[], RegExp]> = [
      [['-r', 'cli,json', '--report-dir', 'a-file'], /--report-dir .*a-file is a file, not a folder — name a folder/],
      [
        ['-r', 'cli,json', '--report-dir', 'a-file/sub'],
        /--report-dir .*a-file\/sub cannot be made: .*a-file is a file/,
      ],
      [['--junit', 'a-folder'], /a-folder is a folder — name the report file/],
    ];
    for (const [args, message] of cases) {
      const tokens = servers.auth.tokenRequests();
      const calls = servers.api.calls.length;
      const result = await run([both()[0] ?? '', '--env', 'test', ...args], { OAUTH2_CLIENT_SECRET: secret });
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.match(result.stderr, message);
      assert.equal(servers.auth.tokenRequests(), tokens, 'no token request');
      assert.equal(servers.api.calls.length, calls, 'no API request');
    }
  });

  it('with several collections, a configuration problem names the collections it is found in, and only when not all', async () => {
    const [first, second] = both();
    const built = JSON.parse(await readFile(second ?? '', 'utf8')) as {
      info: { name: string };
      variable?: Array<{ key: string; value: string }>;
    };
    const jwtOne = join(project, 'built-jwt.postman_collection.json');
    await writeFile(
      jwtOne,
      JSON.stringify({
        ...built,
        info: { ...built.info, name: 'Signed orders' },
        variable: [
          ...(built.variable ?? []).filter((v) => v.key !== 'oauth2_client_auth'),
          { key: 'oauth2_client_auth', value: 'private_key_jwt' },
        ],
      }),
    );
    const result = await run(
      [first ?? '', jwtOne, '--env', 'test', '--env-var', 'oauth2_client_id={{not_set_anywhere}}'],
      {
        OAUTH2_CLIENT_SECRET: secret,
      },
    );
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(result.stderr, /- oauth2_private_key is not set — .* \(in Signed orders\)\n/);
    assert.match(result.stderr, /- oauth2_client_id refers to \{\{not_set_anywhere\}\}, which is not set — [^\n]*\n/);
    assert.doesNotMatch(result.stderr, /not_set_anywhere[^\n]*\(in /, 'a problem of every collection names none');
  });

  it('honours enabled: false in the environment file (Newman does not)', async () => {
    const result = await run([both()[0] ?? '', '--env', 'test'], { OAUTH2_CLIENT_SECRET: secret });
    assert.equal(result.code, 0);
    // Newman wraps console lines at 80 columns.
    assert.match(result.stdout.replace(/\n\s*│ /g, ''), /new token \(client_secret_basic, scope "api:read"/);
  });

  it('lists every missing variable at once, with where to set it, and exits 2 without running', async () => {
    const before = servers.auth.tokenRequests();
    const result = await run([...both(), '--env-var', 'api_base_url=http://127.0.0.1:1']);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /error \[CONFIG_INVALID\]: the configuration is incomplete; nothing was run:\n {2}- oauth2_token_url refers to \{\{auth_base_url\}\}, which is not set — export AUTH_BASE_URL|oauth2_client_secret is not set — export OAUTH2_CLIENT_SECRET, add it to \.env, or pass --env-var oauth2_client_secret=…/,
    );
    assert.match(
      result.stderr,
      /oauth2_client_secret is not set — export OAUTH2_CLIENT_SECRET, add it to \.env, or pass --env-var oauth2_client_secret=… \(in CI, from the secret store/,
    );
    assert.equal(servers.auth.tokenRequests(), before);
  });

  it('names the environment file in the message, and fails on an unknown one', async () => {
    const missing = await run([...both(), '--env', 'test']);
    assert.equal(missing.code, 2);
    assert.match(
      missing.stderr,
      /oauth2_client_secret is not set — set it in .*test\.postman_environment\.json, export OAUTH2_CLIENT_SECRET/,
    );
    const unknown = await run([...both(), '--env', 'nope']);
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.stderr,
      /error \[ENVIRONMENT_INVALID\]: .*nope\.postman_environment\.json: does not exist — no environment is named "nope"; environments\/ has test/,
    );
  });

  it('takes precedence as documented: environment file < .env < process environment < --env-var', async () => {
    // Each layer sets a wrong client id except the one that should win; the API reports the client it saw.
    const check = async (args: string[], env: NodeJS.ProcessEnv, dotenv: string | undefined) => {
      if (dotenv === undefined) await rm(join(project, '.env'), { force: true });
      else await writeFile(join(project, '.env'), dotenv);
      const before = servers.api.calls.length;
      const result = await run([both()[0] ?? '', '--env', 'test', ...args], env);
      await rm(join(project, '.env'), { force: true });
      return {
        result,
        clients: servers.api.calls
          .slice(before)
          .map((c) => c.clientId)
          .filter(Boolean),
      };
    };
    const dotenvWins = await check([], {}, `OAUTH2_CLIENT_SECRET=${secret}\n`);
    assert.equal(dotenvWins.result.code, 0, dotenvWins.result.stderr);
    const processWins = await check([], { OAUTH2_CLIENT_SECRET: secret }, 'OAUTH2_CLIENT_SECRET=wrong\n');
    assert.equal(processWins.result.code, 0);
    const flagWins = await check(
      ['--env-var', `oauth2_client_secret=${secret}`],
      { OAUTH2_CLIENT_SECRET: 'wrong' },
      'OAUTH2_CLIENT_SECRET=wrong\n',
    );
    assert.equal(flagWins.result.code, 0);
    const wrongWins = await check(
      ['--env-var', 'oauth2_client_secret=wrong'],
      { OAUTH2_CLIENT_SECRET: secret },
      undefined,
    );
    assert.equal(wrongWins.result.code, 1);
    assert.match(wrongWins.result.stdout, /401 invalid_client/);
  });

  for (const mode of ['in-process', '--in-sandbox'] as const) {
    const modeArgs = mode === '--in-sandbox' ? ['--in-sandbox'] : [];

    it(`writes redacted reports and environment: the secret and the token appear nowhere (${mode})`, async () => {
      const reports = join(project, `reports-ok-${mode}`);
      const result = await run(
        [
          ...both(),
          '--env',
          'test',
          ...modeArgs,
          '-r',
          'cli,junit,json',
          '--report-dir',
          reports,
          '--export-environment',
          join(reports, 'env.json'),
        ],
        { OAUTH2_CLIENT_SECRET: secret },
      );
      assert.equal(result.code, 0, result.stderr);
      const files = (await readdir(reports)).sort();
      assert.deepEqual(files, ['demo-api.json', 'env.json', 'junit.xml', 'postman-oauth2-export.json']);
      const exported = JSON.parse(await readFile(join(reports, 'env.json'), 'utf8')) as {
        values: Array<{ key: string; value: string }>;
      };
      const token = exported.values.find((v) => v.key === 'oauth2_access_token')?.value;
      // In process, the token lives in the runner and never enters the environment.
      if (mode === 'in-process') assert.equal(token, undefined);
      else assert.match(token ?? '', /^eyJhbG…\(\d+ chars\)$/);
      if (mode === '--in-sandbox')
        assert.equal(exported.values.find((v) => v.key === 'oauth2_token_fingerprint')?.value, '***');
      assert.equal(exported.values.find((v) => v.key === 'oauth2_client_secret')?.value, '***');
      const everything = [
        result.stdout,
        result.stderr,
        ...(await Promise.all(files.map((f) => readFile(join(reports, f), 'utf8')))),
      ].join('\n');
      assert.ok(!everything.includes(secret), 'the secret leaked');
      assert.deepEqual(credentialLeaks(everything, secret, CLIENTS.demo.clientId), []);
      assert.ok(!/eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]{5,}/.test(everything), 'a whole token leaked');
      assert.ok(!/v3:[0-9a-f]{64}/.test(everything), 'a fingerprint (a hash of the secret) is in a report');
      assert.match(
        await readFile(join(reports, 'junit.xml'), 'utf8'),
        /<testsuites name="pm-oauth2">[\s\S]*Orders \/ List orders[\s\S]*Stock \/ Stock level/,
      );
      assert.match(
        await readFile(join(reports, 'demo-api.json'), 'utf8'),
        /"key": "Authorization",\s*"value": "Bearer \*\*\*"/,
      );
      assert.match(result.stdout, /token requests\s+1 \(\d+ ms\)/);
    });

    describe(`keeps the credentials out of every report when the token request fails (${mode})`, () => {
      // In the sandbox, Newman records the script's token request as the skipped item's request, Basic header included.
      const cases: Array<[name: string, secret: string, env: (s: TestServers) => NodeJS.ProcessEnv]> = [
        ['the server refuses the resource (oidc-provider)', secret, () => ({ OAUTH2_RESOURCE: 'urn:nope' })],
        [
          'the connection is refused, with a secret of every encoding',
          'b+s/c=:&% "q" \\ é!*',
          (s) => ({ OAUTH2_TOKEN_URL: `http://127.0.0.1:${s.closedPort}/token` }),
        ],
      ];
      for (const [name, clientSecret, env] of cases) {
        it(name, async () => {
          const reports = join(project, `reports-${mode}-${clientSecret.length}`);
          const before = servers.api.calls.length;
          const result = await run(
            [
              both()[0] ?? '',
              '--env',
              'test',
              ...modeArgs,
              '-r',
              'cli,junit,json',
              '--report-dir',
              reports,
              '--export-environment',
              join(reports, 'env.json'),
            ],
            { OAUTH2_CLIENT_SECRET: clientSecret, ...env(servers) },
          );
          assert.equal(result.code, 1, result.stdout + result.stderr);
          assert.equal(servers.api.calls.length - before, 1, 'only the public request reached the API');
          const files = (await readdir(reports)).sort();
          assert.deepEqual(files, ['demo-api.json', 'env.json', 'junit.xml']);
          const json = await readFile(join(reports, 'demo-api.json'), 'utf8');
          if (mode === '--in-sandbox')
            assert.match(
              json,
              /"key": "Authorization",\s*"value": "Basic \*\*\*"/,
              'the token request is in the report, its credentials masked',
            );
          const junit = await readFile(join(reports, 'junit.xml'), 'utf8');
          assert.match(
            junit,
            /<failure[^>]*>[\s\S]*no access token, so the request was not sent/,
            'JUnit has the named failure and its cause',
          );
          assert.match(
            result.stdout,
            /✗ Demo API › List orders › pm-oauth2: access token: no access token, so the request was not sent — \[TOKEN_/,
          );
          const everything = [
            result.stdout,
            result.stderr,
            ...(await Promise.all(files.map((f) => readFile(join(reports, f), 'utf8')))),
          ].join('\n');
          assert.deepEqual(credentialLeaks(everything, clientSecret, CLIENTS.demo.clientId), []);
          assert.ok(!/v3:[0-9a-f]{64}/.test(everything), 'a fingerprint (a hash of the secret) is in a report');
        });
      }
    });
  }

  it('masks a secret or a token that a user script prints, in the live output too (--in-sandbox)', async () => {
    const collection = JSON.parse(await readFile(both()[0] ?? '', 'utf8')) as { event: object[] };
    collection.event.push({
      listen: 'test',
      script: {
        exec: [
          "console.log('leak', pm.environment.get('oauth2_client_secret'), pm.environment.get('oauth2_access_token'));",
        ],
      },
    });
    const file = join(project, 'leaky.postman_collection.json');
    await writeFile(file, JSON.stringify(collection));
    const result = await run([file, '--env', 'test', '--in-sandbox'], { OAUTH2_CLIENT_SECRET: secret });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /│ leak \*\*\* eyJhbG…\(\d+ chars\)/);
    assert.ok(!(result.stdout + result.stderr).includes(secret));
    assert.ok(!/eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]{5,}/.test(result.stdout + result.stderr), 'a whole token leaked');
  });

  it('masks the token a user script prints from the request it signed in process', async () => {
    const collection = JSON.parse(await readFile(both()[0] ?? '', 'utf8')) as { event: object[] };
    collection.event.push({
      listen: 'test',
      script: {
        exec: [
          "console.log('leak', pm.request.headers.get('Authorization'), pm.environment.get('oauth2_client_secret'));",
        ],
      },
    });
    const file = join(project, 'leaky-fast.postman_collection.json');
    await writeFile(file, JSON.stringify(collection));
    const result = await run([file, '--env', 'test'], { OAUTH2_CLIENT_SECRET: secret });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /│ leak Bearer eyJhbG…\(\d+ chars\) \*\*\*/);
    assert.ok(!(result.stdout + result.stderr).includes(secret));
    assert.ok(!/eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]{5,}/.test(result.stdout + result.stderr), 'a whole token leaked');
  });

  it('bounds a hung token endpoint and a hung API with time-outs, and exits 1', async () => {
    const result = await run([both()[0] ?? '', '--env', 'test', '--timeout-request', '1000'], {
      OAUTH2_CLIENT_SECRET: secret,
      OAUTH2_TOKEN_URL: `${servers.faults.url}/hang/cli`,
      OAUTH2_TOKEN_TIMEOUT: '1',
    });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /timed out.*oauth2_token_timeout/);
    const api = await run(
      [
        both()[0] ?? '',
        '--env',
        'test',
        '--timeout-request',
        '1000',
        '--env-var',
        `api_base_url=${servers.faults.url}/hang`,
      ],
      { OAUTH2_CLIENT_SECRET: secret },
    );
    assert.equal(api.code, 1);
    assert.match(api.stdout, /ESOCKETTIMEDOUT|ETIMEDOUT/);
  });

  it('turns an unhandled promise rejection in a script into a failure, with the reports still written', async () => {
    const collection = JSON.parse(await readFile(both()[0] ?? '', 'utf8')) as { event: object[] };
    collection.event.push({
      listen: 'test',
      script: { exec: ['Promise.reject(new Error("boom in a user script"));'] },
    });
    const file = join(project, 'rejecting.postman_collection.json');
    await writeFile(file, JSON.stringify(collection));
    const result = await run([file, '--env', 'test', '-r', 'cli,junit', '--junit', join(project, 'out/j.xml')], {
      OAUTH2_CLIENT_SECRET: secret,
    });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /a script left a promise rejection unhandled: boom in a user script/);
    assert.match(await readFile(join(project, 'out/j.xml'), 'utf8'), /<testsuites/);
  });

  it('builds collections/ first when build/collections is missing', async () => {
    const fresh = await mkdtemp(join(tmpdir(), 'pm-oauth2-fresh-'));
    await mkdir(join(fresh, 'collections'));
    await cp(
      'collections/demo-api.postman_collection.json',
      join(fresh, 'collections/demo-api.postman_collection.json'),
    );
    await cp(
      'collections/postman-oauth2-export.postman_collection.json',
      join(fresh, 'collections/postman-oauth2-export.postman_collection.json'),
    );
    await cp(join(project, 'environments'), join(fresh, 'environments'), { recursive: true });
    const result = await runCli(['run', '--env', 'test'], { cwd: fresh, env: { OAUTH2_CLIENT_SECRET: secret } });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /building collections\/ into build\/collections\/ \(missing or out of date\)/);
    assert.deepEqual((await readdir(join(fresh, 'build/collections'))).sort(), [
      'demo-api.postman_collection.json',
      'postman-oauth2-export.postman_collection.json',
    ]);
    // A source broken after a good build: its old build must not run as if nothing happened.
    await writeFile(join(fresh, 'collections/demo-api.postman_collection.json'), '{ "info": { "name": "broken" }, ');
    const calls = servers.api.calls.length;
    const broken = await runCli(['run', '--env', 'test'], { cwd: fresh, env: { OAUTH2_CLIENT_SECRET: secret } });
    assert.equal(broken.code, 2, broken.stdout + broken.stderr);
    assert.match(
      broken.stderr,
      /error \[INPUT_NOT_JSON\]: .*demo-api\.postman_collection\.json: not JSON[\s\S]*1 of the collections in collections\/ could not be built \(above\); nothing was run/,
    );
    assert.equal(servers.api.calls.length, calls, 'nothing ran, not even the collections that built');
    await rm(fresh, { recursive: true, force: true });
  });

  it('from a sub-folder of the project: its collections, environments, .env and reports; files with a UTF-8 BOM are read', async () => {
    const fresh = await mkdtemp(join(tmpdir(), 'pm-oauth2-sub-'));
    const bom = '\uFEFF';
    await mkdir(join(fresh, 'collections/nested'), { recursive: true });
    await writeFile(join(fresh, 'package.json'), `${bom}{ "name": "my-api-tests", "private": true }`);
    await writeFile(
      join(fresh, 'collections/demo-api.postman_collection.json'),
      bom + (await readFile('collections/demo-api.postman_collection.json', 'utf8')),
    );
    await mkdir(join(fresh, 'environments'));
    await writeFile(
      join(fresh, 'environments/test.postman_environment.json'),
      bom + (await readFile(join(project, 'environments/test.postman_environment.json'), 'utf8')),
    );
    // The secret only in the project's .env, whose first line carries the BOM.
    await writeFile(join(fresh, '.env'), `${bom}OAUTH2_CLIENT_SECRET=${secret}\n`);
    const result = await runCli(['run', '--env', 'test', '-r', 'cli,junit'], {
      cwd: join(fresh, 'collections/nested'),
      env: { OAUTH2_CLIENT_SECRET: undefined, HTTP_PROXY: undefined, HTTPS_PROXY: undefined },
    });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.deepEqual(await readdir(join(fresh, 'build/collections')), ['demo-api.postman_collection.json']);
    assert.deepEqual(await readdir(join(fresh, 'reports')), ['junit.xml']);
    assert.deepEqual(
      await readdir(join(fresh, 'collections/nested')),
      [],
      'nothing written where the command was typed',
    );
    await rm(fresh, { recursive: true, force: true });
  });

  it('names a broken environment, collection or configuration file with the line and column of the mistake, never its text', async () => {
    const inFile = 'a55w0rd-written-in-the-file';
    await writeFile(
      join(project, 'environments', 'broken.postman_environment.json'),
      `{"name": "b", "values": [\n  {"key": "oauth2_client_secret", "value": "${inFile}"},\n]}`,
    );
    const environment = await run([both()[0] ?? '', '--env', 'broken']);
    assert.equal(environment.code, 2, environment.stdout + environment.stderr);
    assert.match(
      environment.stderr,
      /broken\.postman_environment\.json: not JSON \(line 3, column 1: value expected\) — export the environment from Postman again, or fix the file/,
    );
    await writeFile(
      join(project, 'broken.postman_collection.json'),
      `{"info": {"name": "x"}, "item": [], "variable": [{"key": "oauth2_client_secret", "value": "${inFile}"} "x"]}`,
    );
    const collection = await run(['broken.postman_collection.json', '--env', 'test']);
    assert.equal(collection.code, 2, collection.stdout + collection.stderr);
    assert.match(
      collection.stderr,
      /broken\.postman_collection\.json: not JSON \(line 1, column 122: comma expected\)/,
    );
    const config = await runCli(
      ['build', 'broken.postman_collection.json', '--config', 'environments/broken.postman_environment.json'],
      { cwd: project },
    );
    assert.equal(config.code, 2, config.stdout + config.stderr);
    assert.match(config.stderr, /not JSON \(line 3, column 1: value expected\) — fix the file/);
    for (const result of [environment, collection, config])
      assert.ok(!(result.stdout + result.stderr).includes(inFile), "the file's text is quoted");
  });

  it('rejects a bad reporter and a bad --env-var before running', async () => {
    const reporter = await run([...both(), '-r', 'cli,xml']);
    assert.equal(reporter.code, 2);
    assert.match(reporter.stderr, /unknown reporter "xml" — use cli, junit, json, htmlextra/);
    const flag = await run([...both(), '--env-var', 'novalue']);
    assert.equal(flag.code, 2);
    assert.match(
      flag.stderr,
      /--env-var needs the form key=value, and one of them has no "=" \(not shown: it may be a secret\)/,
    );
    assert.doesNotMatch(flag.stderr, /novalue/);
  });
});
