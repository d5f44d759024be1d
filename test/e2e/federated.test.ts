// oauth2_client_auth=federated: the CI's own ID token as the client assertion, no secret stored.
// A local CI issuer signs GitHub- and GitLab-shaped ID tokens (GitHub's through the runner endpoint
// of ACTIONS_ID_TOKEN_REQUEST_URL), and an authorization server takes them by issuer + subject +
// audience, as Entra ID and Keycloak document; pm-oauth2 run reads the assertion from its source.
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_SCRIPT_PATHS, readScripts } from '../../src/generator/build.js';
import { embedScript } from '../../src/generator/embed.js';
import { runCli, WITHOUT_PROXY, type CliResult } from '../helpers/cli.js';
import { ALL_ENGINES } from '../helpers/engines.js';
import {
  ECHOING_CLIENT,
  GITHUB_SUBJECT,
  GITLAB_SUBJECT,
  REQUEST_TOKEN,
  startCiIssuer,
  startFederatedAuthServer,
  type CiIssuer,
  type FederatedAuthServer,
} from '../helpers/federation-servers.js';
import { useSuite } from '../helpers/job.js';
import { valueLeaks } from '../helpers/leaks.js';

const ENTRA_AUDIENCE = 'api://AzureADTokenExchange';
const GITLAB_AUDIENCE = 'https://login.example.test/gitlab';
const REQUESTS = 3;

describe("workload identity federation: the CI's ID token as the client assertion (pm-oauth2 run)", function () {
  this.timeout(60_000);
  const context = useSuite('federated');
  let ci: CiIssuer;
  let auth: FederatedAuthServer;
  let collection: string;
  let base: string;

  before(async () => {
    ci = await startCiIssuer();
    auth = await startFederatedAuthServer(
      {
        'orders-github': { issuer: ci.issuer, subject: GITHUB_SUBJECT, audience: ENTRA_AUDIENCE },
        'orders-gitlab': { issuer: ci.issuer, subject: GITLAB_SUBJECT, audience: GITLAB_AUDIENCE },
      },
      context.servers.faults.issued,
    );
    base = context.servers.apiBase('fed');
    const scripts = await readScripts(DEFAULT_SCRIPT_PATHS);
    const item = Array.from({ length: REQUESTS }, (_, i) => ({
      name: `r${i}`,
      request: { method: 'GET', url: `${base}/r${i}` },
    }));
    collection = join(context.dir, 'fed.postman_collection.json');
    await writeFile(collection, JSON.stringify(embedScript({ info: { name: 'federated' }, item }, scripts).collection));
  });
  after(async () => {
    await Promise.all([auth?.close(), ci?.close()]);
    // A closed server leaves Node's list of handles a turn of the loop later.
    await new Promise((resolve) => setImmediate(resolve));
  });

  const run = async (
    clientId: string,
    variables: Record<string, string>,
    env: NodeJS.ProcessEnv,
    reportDir: string,
    extra: string[] = [],
  ): Promise<CliResult> => {
    const vars = {
      oauth2_token_url: auth.tokenUrl,
      oauth2_client_id: clientId,
      oauth2_client_auth: 'federated',
      ...variables,
    };
    return runCli(
      [
        'run',
        collection,
        ...Object.entries(vars).flatMap(([k, v]) => ['--env-var', `${k}=${v}`]),
        '-r',
        'cli,junit,json',
        '--report-dir',
        reportDir,
        ...extra,
      ],
      {
        cwd: context.dir,
        env: {
          ...WITHOUT_PROXY,
          ACTIONS_ID_TOKEN_REQUEST_URL: undefined,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined,
          ...env,
        },
      },
    );
  };

  async function assertNothingLeaks(result: CliResult, reportDir: string, ...values: string[]): Promise<void> {
    const texts: Array<[string, string]> = [
      ['stdout', result.stdout],
      ['stderr', result.stderr],
    ];
    for (const file of await readdir(reportDir).catch(() => []))
      texts.push([file, await readFile(join(reportDir, file), 'utf8')]);
    for (const [where, text] of texts)
      for (const value of values) assert.deepEqual(valueLeaks(text, value), [], `${where} holds a secret`);
  }

  it("github: asks the runner for an ID token with Entra's audience, one token request for the job, the assertion and the request token nowhere", async () => {
    const [calls, asked, issued] = [
      context.servers.apiCalls(base).length,
      auth.requests.length,
      ci.githubIssued.length,
    ];
    const reportDir = join(context.dir, 'github');
    const result = await run(
      'orders-github',
      { oauth2_federated_source: 'github' },
      { ACTIONS_ID_TOKEN_REQUEST_URL: ci.githubRequestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN },
      reportDir,
    );
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.deepEqual(
      ci.githubIssued.slice(issued).map((t) => t.audience),
      [ENTRA_AUDIENCE],
      "one ID token, for Entra's audience",
    );
    assert.deepEqual(
      auth.requests.slice(asked).map((r) => [r.clientId, r.outcome]),
      [['orders-github', 'issued']],
    );
    assert.equal(
      auth.requests.at(-1)?.assertion,
      ci.githubIssued.at(-1)?.token,
      'the ID token itself is the assertion',
    );
    assert.equal(
      context.servers
        .apiCalls(base)
        .slice(calls)
        .filter((c) => c.status === 200).length,
      REQUESTS,
    );
    await assertNothingLeaks(result, reportDir, ci.githubIssued.at(-1)?.token ?? '', REQUEST_TOKEN);
  });

  it('github: an audience of your own with oauth2_federated_audience (Keycloak, Okta)', async () => {
    const issued = ci.githubIssued.length;
    const result = await run(
      'orders-github',
      { oauth2_federated_source: 'github', oauth2_federated_audience: 'https://idp.example.test/realms/ci' },
      { ACTIONS_ID_TOKEN_REQUEST_URL: ci.githubRequestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN },
      join(context.dir, 'github-aud'),
    );
    assert.deepEqual(
      ci.githubIssued.slice(issued).map((t) => t.audience),
      ['https://idp.example.test/realms/ci'],
    );
    // Registered for Entra's audience: refused, and the advice names what the server saw.
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout + result.stderr, /AADSTS70021/);
  });

  it("env: GitLab's id_tokens variable; file: a projected token (its rotation: the unit tests)", async () => {
    const gitlab = await ci.mint({ sub: GITLAB_SUBJECT, aud: GITLAB_AUDIENCE });
    const envResult = await run(
      'orders-gitlab',
      { oauth2_federated_source: 'env:PM_OAUTH2_ID_TOKEN' },
      { PM_OAUTH2_ID_TOKEN: gitlab },
      join(context.dir, 'gitlab'),
    );
    assert.equal(envResult.code, 0, envResult.stdout + envResult.stderr);
    assert.equal(auth.requests.at(-1)?.assertion, gitlab);
    await assertNothingLeaks(envResult, join(context.dir, 'gitlab'), gitlab);

    const tokenFile = join(context.dir, 'k8s', 'token');
    await mkdir(join(context.dir, 'k8s'), { recursive: true });
    const projected = await ci.mint({ sub: GITLAB_SUBJECT, aud: GITLAB_AUDIENCE });
    await writeFile(tokenFile, `${projected}\n`);
    const fileResult = await run(
      'orders-gitlab',
      { oauth2_federated_source: `file:${tokenFile}` },
      {},
      join(context.dir, 'file'),
    );
    assert.equal(fileResult.code, 0, fileResult.stdout + fileResult.stderr);
    assert.equal(auth.requests.at(-1)?.assertion, projected);
  });

  it('fails closed on a subject the provider has no federated credential for: one token request, nothing sent to the API, what to register', async () => {
    const other = await ci.mint({ sub: 'repo:acme/orders-api:ref:refs/heads/feature' });
    const [calls, asked] = [context.servers.apiCalls(base).length, auth.requests.length];
    const reportDir = join(context.dir, 'wrong-subject');
    const result = await run(
      'orders-github',
      { oauth2_federated_source: 'env:ID_TOKEN' },
      { ID_TOKEN: other },
      reportDir,
    );
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.equal(auth.requests.length - asked, 1, 'asked once for the job: the breaker holds');
    assert.equal(context.servers.apiCalls(base).length, calls, 'the API got nothing');
    const output = result.stdout + result.stderr;
    assert.match(output, /AADSTS70021/);
    assert.match(output, /federated credential/i);
    assert.match(output, /sub\s*=?\s*repo:acme\/orders-api:ref:refs\/heads\/feature/);
    await assertNothingLeaks(result, reportDir, other);
  });

  it('masks the assertion where it lives: given as a variable (the environment, the reports), and echoed back by the server', async () => {
    const given = await ci.mint({});
    const reportDir = join(context.dir, 'given');
    const ok = await run('orders-github', {}, { OAUTH2_CLIENT_ASSERTION: given }, reportDir);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal(auth.requests.at(-1)?.assertion, given);
    await assertNothingLeaks(ok, reportDir, given);
    const echoDir = join(context.dir, 'echoed');
    const echoed = await run(ECHOING_CLIENT, { oauth2_federated_source: 'env:ID_TOKEN' }, { ID_TOKEN: given }, echoDir);
    assert.equal(echoed.code, 1, echoed.stdout + echoed.stderr);
    assert.match(echoed.stdout + echoed.stderr, /AADSTS50027/);
    await assertNothingLeaks(echoed, echoDir, given);
  });

  it('--in-sandbox: the assertion read once before the run and handed to the script as a secret — nowhere in the output, the reports or the exported environment', async () => {
    const token = await ci.mint({ sub: GITLAB_SUBJECT, aud: GITLAB_AUDIENCE });
    const reportDir = join(context.dir, 'in-sandbox');
    const asked = auth.requests.length;
    const exported = join(reportDir, 'exported.postman_environment.json');
    const result = await run(
      'orders-gitlab',
      { oauth2_federated_source: 'env:GL_TOKEN' },
      { GL_TOKEN: token },
      reportDir,
      ['--in-sandbox', '--export-environment', exported],
    );
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.deepEqual(
      auth.requests.slice(asked).map((r) => [r.assertion === token, r.outcome]),
      [[true, 'issued']],
    );
    await assertNothingLeaks(result, reportDir, token);
    const failing = await run(
      'orders-gitlab',
      { oauth2_federated_source: 'env:GL_TOKEN' },
      {},
      join(context.dir, 'in-sandbox-missing'),
      ['--in-sandbox'],
    );
    assert.equal(failing.code, 2, failing.stdout + failing.stderr);
    assert.match(failing.stderr + failing.stdout, /GL_TOKEN is not set in the environment[\s\S]*nothing was run/);
  });

  it('doctor: reads the assertion from its source, names the iss, sub and aud to register, and never prints it', async () => {
    const token = await ci.mint({});
    const vars = {
      oauth2_token_url: auth.tokenUrl,
      oauth2_client_id: 'orders-github',
      oauth2_client_auth: 'federated',
      oauth2_federated_source: 'env:ID_TOKEN',
    };
    const doctor = (env: NodeJS.ProcessEnv) =>
      runCli(['doctor', ...Object.entries(vars).flatMap(([k, v]) => ['--env-var', `${k}=${v}`])], {
        cwd: context.dir,
        env: { ...WITHOUT_PROXY, ...env },
      });
    const ok = await doctor({ ID_TOKEN: token });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /federated assertion from the environment variable ID_TOKEN/);
    assert.match(
      ok.stdout,
      new RegExp(
        `iss\\s+${ci.issuer.replace(/[.:/]/g, '\\$&')}\\n\\s+sub\\s+repo:acme/orders-api:environment:qa\\n\\s+aud\\s+api://AzureADTokenExchange`,
      ),
    );
    assert.match(ok.stdout, /✓ token obtained/);
    const wrong = await ci.mint({ sub: 'repo:acme/elsewhere:ref:refs/heads/main' });
    const refused = await doctor({ ID_TOKEN: wrong });
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(
      refused.stdout,
      /AADSTS70021[\s\S]*register a federated credential .*sub=repo:acme\/elsewhere:ref:refs\/heads\/main/,
    );
    for (const [result, value] of [
      [ok, token],
      [refused, wrong],
    ] as const)
      assert.deepEqual(valueLeaks(result.stdout + result.stderr, value), []);
    const echoed = await runCli(
      [
        'doctor',
        ...Object.entries({ ...vars, oauth2_client_id: ECHOING_CLIENT }).flatMap(([k, v]) => [
          '--env-var',
          `${k}=${v}`,
        ]),
      ],
      { cwd: context.dir, env: { ...WITHOUT_PROXY, ID_TOKEN: token } },
    );
    assert.match(echoed.stdout, /AADSTS50027/, echoed.stdout);
    assert.deepEqual(valueLeaks(echoed.stdout + echoed.stderr, token), [], 'the echoed assertion is masked');
    const missing = await doctor({});
    assert.equal(missing.code, 1);
    assert.match(missing.stdout, /ID_TOKEN is not set in the environment/);
  });

  it('fails closed on a source that gives nothing usable, before the token endpoint is asked, saying how to fix it', async () => {
    const cases: Array<[Record<string, string>, NodeJS.ProcessEnv, RegExp]> = [
      [
        { oauth2_federated_source: 'github' },
        {},
        /ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set[\s\S]*id-token: write/,
      ],
      [{ oauth2_federated_source: 'env:NOT_THERE' }, {}, /NOT_THERE is not set in the environment[\s\S]*id_tokens/],
      [{ oauth2_federated_source: `file:${join(context.dir, 'missing')}` }, {}, /no such file/],
      [{ oauth2_federated_source: 'env:EXPIRED' }, { EXPIRED: await ci.mint({}, -30) }, /expired at/],
      [{ oauth2_federated_source: 'env:NOT_A_JWT' }, { NOT_A_JWT: 'opaque-value-123' }, /did not give a JWT/],
      [
        { oauth2_federated_source: 'ssh:somewhere' },
        {},
        /oauth2_federated_source is "ssh:somewhere"[\s\S]*github, env:<VARIABLE>/,
      ],
      [{}, {}, /oauth2_client_assertion is not set[\s\S]*oauth2_federated_source/],
    ];
    for (const [variables, env, why] of cases) {
      const asked = auth.requests.length;
      const calls = context.servers.apiCalls(base).length;
      const result = await run(
        'orders-github',
        variables,
        env,
        join(context.dir, `bad-${auth.requests.length}-${Math.random().toString(36).slice(2)}`),
      );
      assert.notEqual(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout + result.stderr, why);
      assert.equal(auth.requests.length, asked, `the token endpoint was asked (${String(why)})`);
      assert.equal(context.servers.apiCalls(base).length, calls);
    }
  });

  // Postman and plain newman cannot read a CI's token themselves: they send oauth2_client_assertion as given.
  for (const [name, engine] of ALL_ENGINES) {
    it(`${name}: sends oauth2_client_assertion as given, and fails closed without it, naming the variable`, async () => {
      const scripts = await readScripts(DEFAULT_SCRIPT_PATHS);
      const item = [{ name: 'r', request: { method: 'GET', url: `${base}/engine` } }];
      const built = embedScript({ info: { name: 'federated in the sandbox' }, item }, scripts).collection;
      const given = await ci.mint({});
      const asked = auth.requests.length;
      const variables = {
        oauth2_token_url: auth.tokenUrl,
        oauth2_client_id: 'orders-github',
        oauth2_client_auth: 'federated',
      };
      const passed = await engine(built, { environment: { ...variables, oauth2_client_assertion: given } });
      assert.deepEqual(passed.failures, []);
      assert.equal(auth.requests.at(-1)?.assertion, given);
      assert.deepEqual(valueLeaks(passed.output, given), []);
      const calls = context.servers.apiCalls(base).length;
      const refused = await engine(built, { environment: { ...variables, oauth2_federated_source: 'github' } });
      assert.equal(context.servers.apiCalls(base).length, calls, 'nothing went to the API without a token');
      assert.match(
        refused.failures.map((f) => f.message).join('\n'),
        /oauth2_client_assertion is not set[\s\S]*read by pm-oauth2 run only/,
      );
      assert.equal(auth.requests.length - asked, 1, 'the token endpoint was asked with the assertion only');
    });
  }
});
