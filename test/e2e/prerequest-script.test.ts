import assert from 'node:assert/strict';
import { buildScript } from '../../scripts/build-script.js';
import { collectionWithScript, requests } from '../helpers/collection.js';
import { ALL_ENGINES, type EngineRun } from '../helpers/engines.js';
import { credentialLeaks } from '../helpers/leaks.js';
import { CLIENTS, startTestServers, type TestServers } from '../helpers/servers.js';

const FAILURE_TEST = 'pm-oauth2: access token';

function assertNoSecrets(run: EngineRun, secrets: readonly string[]): void {
  assert.ok(run.output.includes('pm-oauth2'), 'the captured output is what a user sees');
  for (const secret of secrets)
    assert.ok(!run.output.includes(secret), `the output contains the secret ${JSON.stringify(secret.slice(0, 2))}…`);
}

for (const [engineName, run] of ALL_ENGINES) {
  describe(`the pre-request script in ${engineName}`, function () {
    this.timeout(60_000);
    let script: string;
    let servers: TestServers;
    const apiBase = () => servers.apiBase('t');
    const apiCalls = (base: string) => servers.apiCalls(base);
    /** The number that makes the last apiBase unique: fault-server paths reuse it. */
    const lastId = (base: string) => base.slice(base.lastIndexOf('/') + 1);

    before(async () => {
      [script, servers] = await Promise.all([buildScript(), startTestServers()]);
    });
    after(() => servers.close());

    it('makes N requests with one token request, over client_secret_basic with a secret of + / = : & % and space', async () => {
      const base = apiBase();
      const before = servers.auth.tokenRequests();
      const result = await run(collectionWithScript(script, requests(5, base)), {
        environment: servers.variablesFor(CLIENTS.basic),
      });
      assert.deepEqual(result.failures, []);
      assert.equal(servers.auth.tokenRequests() - before, 1);
      assert.deepEqual(
        apiCalls(base).map((c) => [c.status, c.clientId]),
        Array(5).fill([200, CLIENTS.basic.clientId]),
      );
      assert.equal(typeof result.environment['oauth2_access_token'], 'string');
      assert.ok(Number(result.environment['oauth2_expires_at']) > Date.now());
      assert.match(String(result.environment['oauth2_token_fingerprint']), /^v3:[0-9a-f]{64}$/);
      assertNoSecrets(result, [CLIENTS.basic.clientSecret, String(result.environment['oauth2_access_token'])]);
      assert.ok(
        result.consoleLines.some((l) =>
          /^pm-oauth2: new token \(client_secret_basic, (299|300) s from (expires_in|jwt_exp), expires 20\d\d-.*Z\): eyJhbG…\(\d+ chars\)$/.test(
            l,
          ),
        ),
      );
    });

    it('sends client_secret_post credentials as form fields', async () => {
      const base = apiBase();
      const result = await run(collectionWithScript(script, requests(2, base)), {
        environment: servers.variablesFor(CLIENTS.post),
      });
      assert.deepEqual(result.failures, []);
      assert.deepEqual(
        apiCalls(base).map((c) => c.clientId),
        [CLIENTS.post.clientId, CLIENTS.post.clientId],
      );
      assertNoSecrets(result, [CLIENTS.post.clientSecret]);
    });

    it('asks for a scope and a resource, and logs the granted scope', async () => {
      const base = apiBase();
      const vars = servers.variablesFor(CLIENTS.readOnly, {
        oauth2_scope: 'api:read',
        oauth2_resource: servers.auth.resources[0] ?? '',
      });
      const result = await run(collectionWithScript(script, requests(1, base)), { environment: vars });
      assert.deepEqual(result.failures, []);
      assert.equal(apiCalls(base)[0]?.status, 200);
      assert.ok(result.consoleLines.some((l) => l.includes('scope "api:read"')));
    });

    it('keeps the cache in the collection variables when no environment is active', async () => {
      const base = apiBase();
      const before = servers.auth.tokenRequests();
      const check = `pm.test('cached in the collection variables', () => {
        if (!/^v3:/.test(pm.collectionVariables.get('oauth2_token_fingerprint'))) throw new Error('no fingerprint');
        if (pm.environment.get('oauth2_access_token')) throw new Error('written to the environment');
      });`;
      const items = requests(3, base).map((r, i) => (i === 2 ? { ...r, test: check } : r));
      const result = await run(collectionWithScript(script, items, servers.variablesFor(CLIENTS.basic)));
      assert.deepEqual(result.failures, []);
      assert.equal(servers.auth.tokenRequests() - before, 1);
      assert.equal(apiCalls(base).filter((c) => c.status === 200).length, 3);
    });

    it('renews a 2-second token before it expires: no API request is ever rejected', async () => {
      const base = apiBase();
      const before = servers.auth.tokensIssued(CLIENTS.shortLived.clientId);
      const result = await run(collectionWithScript(script, requests(8, base)), {
        environment: servers.variablesFor(CLIENTS.shortLived),
        delayMs: 500,
      });
      assert.deepEqual(result.failures, []);
      assert.ok(servers.auth.tokensIssued(CLIENTS.shortLived.clientId) - before >= 2, 'the token was renewed');
      assert.deepEqual(
        apiCalls(base).map((c) => c.status),
        Array(8).fill(200),
      );
    });

    it('refetches when the credentials change mid-run, and never sends the old token for them', async () => {
      const base = apiBase();
      const switchClient = [
        `pm.environment.set('oauth2_client_id', '${CLIENTS.other.clientId}');`,
        `pm.environment.set('oauth2_client_secret', '${CLIENTS.other.clientSecret}');`,
      ].join('\n');
      const items = requests(4, base).map((r, i) => (i === 1 ? { ...r, test: switchClient } : r));
      const before = servers.auth.tokenRequests();
      const result = await run(collectionWithScript(script, items), {
        environment: servers.variablesFor(CLIENTS.basic),
      });
      assert.deepEqual(result.failures, []);
      assert.equal(servers.auth.tokenRequests() - before, 2);
      assert.deepEqual(
        apiCalls(base).map((c) => c.clientId),
        [CLIENTS.basic.clientId, CLIENTS.basic.clientId, CLIENTS.other.clientId, CLIENTS.other.clientId],
      );
    });

    it('resolves {{nested}} references in the oauth2_* variables', async () => {
      const base = apiBase();
      const vars = {
        ...servers.variablesFor(CLIENTS.basic),
        qa_secret: CLIENTS.basic.clientSecret,
        oauth2_client_secret: '{{qa_secret}}',
      };
      const result = await run(collectionWithScript(script, requests(1, base)), { environment: vars });
      assert.deepEqual(result.failures, []);
      assert.equal(apiCalls(base)[0]?.clientId, CLIENTS.basic.clientId);
    });

    it('form-encodes a non-ASCII secret before base64, as RFC 6749 §2.3.1 says', async () => {
      const base = apiBase();
      const secret = 'é+/=:&% ü';
      const vars = {
        oauth2_token_url: `${servers.faults.url}/strict-basic/${lastId(base)}`,
        oauth2_client_id: 'id:é',
        oauth2_client_secret: secret,
      };
      const result = await run(collectionWithScript(script, requests(1, base)), { environment: vars });
      assert.deepEqual(result.failures, []);
      assert.deepEqual(servers.faults.lastBasic(`/strict-basic/${lastId(base)}`), { id: 'id:é', secret });
      assertNoSecrets(result, [secret]);
    });

    describe('recovers from what a retry or a lenient reading fixes', () => {
      const cases: Array<[scenario: string, tokenRequests: number]> = [
        ['503-once', 2],
        ['429-once', 2],
        ['expires-string', 1],
        ['no-expires', 1],
        ['lowercase-type', 1],
      ];
      for (const [scenario, expected] of cases) {
        it(`${scenario}: ${expected} token request(s), then every request authenticated`, async () => {
          const base = apiBase();
          const tokenPath = `/${scenario}/${lastId(base)}`;
          const vars = {
            oauth2_token_url: `${servers.faults.url}${tokenPath}`,
            oauth2_client_id: 'c',
            oauth2_client_secret: 'fault-secret',
          };
          const result = await run(collectionWithScript(script, requests(2, base)), { environment: vars });
          assert.deepEqual(result.failures, []);
          assert.equal(servers.faults.requests(tokenPath), expected);
          assert.deepEqual(
            apiCalls(base).map((c) => c.status),
            [200, 200],
          );
        });
      }
    });

    describe('fails closed: the run fails, says why and how to fix it, and the API gets no request', () => {
      // Its raw, form, URL, JSON and XML forms all differ, so each must be kept out on its own.
      const SECRET = 'fault/"secret" &+x';
      const cases: Array<
        [name: string, vars: (s: TestServers, tokenPath: string) => Record<string, string>, message: RegExp]
      > = [
        ['an HTML page with 200', (s, p) => fault(s, `/html${p}`), /answered 200 with an HTML page.*Fix: .*login page/],
        ['broken JSON', (s, p) => fault(s, `/broken-json${p}`), /TOKEN_RESPONSE_INVALID.*not a JSON object/],
        [
          '200 without access_token',
          (s, p) => fault(s, `/no-access-token${p}`),
          /without an access_token \(fields: token_type, expires_in\)/,
        ],
        ['a token type other than Bearer', (s, p) => fault(s, `/mac-type${p}`), /type "mac", not Bearer/],
        [
          '401 invalid_client',
          (s, p) => fault(s, `/invalid-client${p}`),
          /401 invalid_client: "client authentication failed" \(WWW-Authenticate: Basic realm="fault"\)( \(not asked again .*\))?\. Fix: check oauth2_client_id/,
        ],
        [
          '503 on every attempt',
          (s, p) => fault(s, `/503-always${p}`),
          /503 temporarily_unavailable.*\(after 3 attempts\)/,
        ],
        ['429 with a long Retry-After', (s, p) => fault(s, `/429-long${p}`), /429 slow_down.*rate-limiting/],
        [
          'a refused connection',
          (s) => ({ ...fault(s, ''), oauth2_token_url: `http://127.0.0.1:${s.closedPort}/token` }),
          /TOKEN_REQUEST_FAILED.*failed: ECONNREFUSED(?! \(after)/,
        ],
        [
          'a hung endpoint',
          (s, p) => ({ ...fault(s, `/hang${p}`), oauth2_token_timeout: '1' }),
          /timed out.*oauth2_token_timeout/,
        ],
        [
          'missing variables',
          () => ({ oauth2_client_secret: SECRET }),
          /CONFIG_MISSING.*oauth2_token_url is not set.*oauth2_client_id is not set/,
        ],
        // 0.0.0.0 is no loopback name, yet reaches nothing off this machine should the check be broken.
        [
          'plain http to another machine',
          (s) => ({ ...fault(s, ''), oauth2_token_url: `http://0.0.0.0:${s.closedPort}/token` }),
          /CONFIG_INVALID.*plain http to another machine.* — use https; only on a network you trust, set oauth2_allow_insecure_http=true/,
        ],
        ['a server that echoes the secret', (s, p) => fault(s, `/echo-secret${p}`), /400 invalid_request/],
        [
          'a scope the client may not have (oidc-provider)',
          (s) => ({ ...s.variablesFor(CLIENTS.readOnly), oauth2_scope: 'api:admin' }),
          /400 invalid_scope.*Fix: .*oauth2_scope/,
        ],
        [
          'a wrong secret (oidc-provider)',
          (s) => ({ ...s.variablesFor(CLIENTS.basic), oauth2_client_secret: SECRET }),
          /401 invalid_client.*Fix:/,
        ],
      ];
      function fault(s: TestServers, tokenPath: string): Record<string, string> {
        return {
          oauth2_token_url: `${s.faults.url}${tokenPath}`,
          oauth2_client_id: 'c',
          oauth2_client_secret: SECRET,
          oauth2_client_auth: 'client_secret_post',
        };
      }
      for (const [name, vars, message] of cases) {
        it(name, async () => {
          const base = apiBase();
          const result = await run(collectionWithScript(script, requests(2, base)), {
            environment: vars(servers, `/${lastId(base)}`),
          });
          // Newman also counts each refused token call as a failed request: only ours are checked here.
          const ours = result.failures.filter((f) => f.test === FAILURE_TEST);
          assert.equal(ours.length, 2, 'one failure per request');
          for (const failure of ours) assert.match(failure.message, message);
          assert.ok(result.output.includes(FAILURE_TEST), 'the reporters show the failure');
          assert.deepEqual(
            result.failures.filter((f) => f.test !== FAILURE_TEST && !/ECONNREFUSED/.test(f.message)),
            [],
          );
          assert.equal(apiCalls(base).length, 0, 'the API received no request');
          assertNoSecrets(result, [SECRET]);
          assert.deepEqual(credentialLeaks(result.output, SECRET, 'c'), []);
          assert.ok(
            !result.output.includes(SECRET.replace(/"/g, '&quot;')),
            'the secret, XML-escaped, is in the JUnit report',
          );
        });
      }
    });

    describe('asks a failing token endpoint once per configuration, not once per request (circuit breaker)', () => {
      const cases: Array<[scenario: string, extra: Record<string, string>, tokenRequests: number, cause: RegExp]> = [
        ['hang', { oauth2_token_timeout: '1' }, 1, /timed out/],
        ['invalid-client', {}, 1, /401 invalid_client/],
        ['503-always', {}, 3, /503 temporarily_unavailable.*\(after 3 attempts\)/],
        ['echo-secret', { oauth2_client_auth: 'client_secret_post' }, 1, /400 invalid_request: "bad request: .*\*\*\*/],
      ];
      for (const [scenario, extra, tokenRequests, cause] of cases) {
        it(`${scenario}: ${tokenRequests} token request(s) for 4 API requests, each failing with the cause`, async () => {
          const base = apiBase();
          const tokenPath = `/${scenario}/${lastId(base)}`;
          const vars = {
            oauth2_token_url: `${servers.faults.url}${tokenPath}`,
            oauth2_client_id: 'c',
            oauth2_client_secret: 'fault-secret',
            ...extra,
          };
          const result = await run(collectionWithScript(script, requests(4, base)), { environment: vars });
          assert.equal(servers.faults.requests(tokenPath), tokenRequests);
          const ours = result.failures.filter((f) => f.test === FAILURE_TEST);
          assert.equal(ours.length, 4);
          for (const failure of ours) assert.match(failure.message, cause);
          for (const failure of ours.slice(1)) assert.match(failure.message, /not asked again for \d+ s/);
          assert.equal(apiCalls(base).length, 0);
          if (Object.keys(result.environment).length)
            assert.match(String(result.environment['oauth2_token_failure']), /^\{"until":\d+/);
          assert.doesNotMatch(
            String(result.environment['oauth2_token_failure']),
            /fault-secret/,
            "the breaker's record holds no secret",
          );
        });
      }
    });

    describe('sends the token it chose, whatever scope holds an old one', () => {
      it('an environment without a name that holds a token of other credentials', async () => {
        const base = apiBase();
        const before = servers.auth.tokenRequests();
        const stale = {
          oauth2_access_token: 'stale-token-of-other-credentials',
          oauth2_token_fingerprint: 'v3:0000',
          oauth2_expires_at: String(Date.now() + 3_600_000),
          oauth2_token_issued_at: String(Date.now()),
        };
        const result = await run(collectionWithScript(script, requests(3, base)), {
          environment: { ...servers.variablesFor(CLIENTS.basic), ...stale },
          environmentName: '',
        });
        assert.deepEqual(result.failures, []);
        assert.equal(servers.auth.tokenRequests() - before, 1);
        assert.deepEqual(
          apiCalls(base).map((c) => [c.status, c.clientId]),
          Array(3).fill([200, CLIENTS.basic.clientId]),
        );
      });

      it('iteration data that holds an old token', async () => {
        const base = apiBase();
        const data = [1, 2].map(() => ({ oauth2_access_token: 'stale-token-from-a-data-file' }));
        const result = await run(collectionWithScript(script, requests(1, base)), {
          environment: servers.variablesFor(CLIENTS.basic),
          iterationData: data,
        });
        assert.deepEqual(result.failures, []);
        assert.deepEqual(
          apiCalls(base).map((c) => [c.status, c.clientId]),
          Array(2).fill([200, CLIENTS.basic.clientId]),
        );
      });
    });

    it('leaves a request with its own noauth alone: it goes out even when no token can be had', async () => {
      const base = apiBase();
      const items = [
        { name: 'public', url: `${base}/public`, auth: { type: 'noauth' } },
        { name: 'protected', url: `${base}/protected` },
      ];
      const tokenPath = `/invalid-client/${lastId(base)}`;
      const vars = {
        oauth2_token_url: `${servers.faults.url}${tokenPath}`,
        oauth2_client_id: 'c',
        oauth2_client_secret: 'fault-secret',
      };
      const result = await run(collectionWithScript(script, items), { environment: vars });
      assert.deepEqual(
        result.failures.map((f) => f.test),
        [FAILURE_TEST],
      );
      assert.equal(servers.faults.requests(tokenPath), 1, 'no token was asked for the public request');
      assert.deepEqual(
        apiCalls(base).map((c) => [c.path.split('/').pop(), c.status, c.authorization]),
        [['public', 401, undefined]],
      );
    });

    it('never sends a cached token of other credentials when the new fetch fails', async () => {
      const base = apiBase();
      const breakCredentials = `pm.environment.set('oauth2_client_secret', 'wrong-secret');`;
      const items = requests(3, base).map((r, i) => (i === 0 ? { ...r, test: breakCredentials } : r));
      const result = await run(collectionWithScript(script, items), {
        environment: servers.variablesFor(CLIENTS.basic),
      });
      assert.equal(result.failures.length, 2);
      assert.deepEqual(
        apiCalls(base).map((c) => c.status),
        [200],
      );
      assert.equal(result.environment['oauth2_access_token'], '');
    });
  });
}
