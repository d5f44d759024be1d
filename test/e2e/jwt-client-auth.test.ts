import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { buildScript, JWT_SCRIPT_PATH } from '../../scripts/build-script.js';
import { collectionWithScript, requests } from '../helpers/collection.js';
import { ENGINES } from '../helpers/engines.js';
import { CLIENTS, KEYS, startTestServers, type TestServers } from '../helpers/servers.js';
import { runBuiltJob, useSuite } from '../helpers/job.js';

const FAILURE_TEST = 'pm-oauth2: access token';
const pem = (key: import('node:crypto').KeyObject, type: 'pkcs8' | 'pkcs1' | 'sec1' = 'pkcs8') =>
  key.export({ type, format: 'pem' } as never).toString();

for (const [engineName, run] of ENGINES) {
  describe(`JWT client authentication in ${engineName}`, function () {
    this.timeout(60_000);
    let script: string;
    let secretOnlyScript: string;
    let servers: TestServers;
    const apiBase = () => servers.apiBase('jwt');
    const apiCalls = (base: string) => servers.apiCalls(base);

    before(async () => {
      [secretOnlyScript, servers] = await Promise.all([buildScript(), startTestServers()]);
      script = await readFile(JWT_SCRIPT_PATH, 'utf8');
    });
    after(() => servers.close());

    const cases: Array<[string, () => Record<string, string>, string]> = [
      ['client_secret_jwt (HS256)', () => servers.variablesFor(CLIENTS.jwtSecret), CLIENTS.jwtSecret.clientId],
      [
        'private_key_jwt, RS256 from a PKCS#8 PEM, with kid',
        () =>
          servers.variablesFor(CLIENTS.rsaKey, {
            oauth2_private_key: pem(KEYS.rsa.privateKey),
            oauth2_key_id: 'rsa-1',
          }),
        CLIENTS.rsaKey.clientId,
      ],
      [
        'private_key_jwt, RS256 from a PKCS#1 PEM, audience = issuer',
        () =>
          servers.variablesFor(CLIENTS.rsaKey, {
            oauth2_private_key: pem(KEYS.rsa.privateKey, 'pkcs1'),
            oauth2_assertion_audience: servers.auth.issuer,
          }),
        CLIENTS.rsaKey.clientId,
      ],
      [
        'private_key_jwt, typed as RFC 7523bis says (client-authentication+jwt), audience = issuer',
        () =>
          servers.variablesFor(CLIENTS.rsaKey, {
            oauth2_private_key: pem(KEYS.rsa.privateKey),
            oauth2_assertion_typ: 'client-authentication+jwt',
            oauth2_assertion_audience: servers.auth.issuer,
          }),
        CLIENTS.rsaKey.clientId,
      ],
      [
        "private_key_jwt with a certificate's SHA-256 thumbprint (x5t#S256)",
        () =>
          servers.variablesFor(CLIENTS.rsaKey, {
            oauth2_private_key: pem(KEYS.rsa.privateKey),
            oauth2_certificate_thumbprint: 'ab'.repeat(32),
          }),
        CLIENTS.rsaKey.clientId,
      ],
      [
        'private_key_jwt, PS256 from a PKCS#8 PEM (the server accepts only PS256)',
        () =>
          servers.variablesFor(CLIENTS.psKey, {
            oauth2_private_key: pem(KEYS.rsa.privateKey),
            oauth2_assertion_alg: 'PS256',
          }),
        CLIENTS.psKey.clientId,
      ],
      [
        'private_key_jwt, ES256 from a JWK',
        () =>
          servers.variablesFor(CLIENTS.ecKey, {
            oauth2_private_key: JSON.stringify(KEYS.ec.privateKey.export({ format: 'jwk' })),
          }),
        CLIENTS.ecKey.clientId,
      ],
      [
        'private_key_jwt, ES256 from a SEC1 PEM',
        () => servers.variablesFor(CLIENTS.ecKey, { oauth2_private_key: pem(KEYS.ec.privateKey, 'sec1') }),
        CLIENTS.ecKey.clientId,
      ],
    ];
    for (const [name, vars, clientId] of cases) {
      it(`${name}: one token for three requests`, async () => {
        const base = apiBase();
        const before = servers.auth.tokensIssued(clientId);
        const result = await run(collectionWithScript(script, requests(3, base)), { environment: vars() });
        assert.deepEqual(result.failures, []);
        assert.equal(servers.auth.tokensIssued(clientId) - before, 1);
        assert.deepEqual(
          apiCalls(base).map((c) => [c.status, c.clientId]),
          Array(3).fill([200, clientId]),
        );
        const privateKey = vars()['oauth2_private_key'];
        if (privateKey) assert.ok(!result.output.includes(privateKey.slice(40, 80)), 'the key leaked');
      });
    }

    it('renews a 2-second token with a fresh assertion each time: the server, which rejects a replayed jti, never does', async () => {
      const base = apiBase();
      const before = servers.auth.tokensIssued(CLIENTS.ecShortLived.clientId);
      const vars = servers.variablesFor(CLIENTS.ecShortLived, { oauth2_private_key: pem(KEYS.ec.privateKey) });
      const result = await run(collectionWithScript(script, requests(6, base)), { environment: vars, delayMs: 600 });
      assert.deepEqual(result.failures, []);
      assert.ok(servers.auth.tokensIssued(CLIENTS.ecShortLived.clientId) - before >= 2);
      assert.deepEqual(
        apiCalls(base).map((c) => c.status),
        Array(6).fill(200),
      );
    });

    it('fails closed with a key the server does not know', async () => {
      const base = apiBase();
      const vars = servers.variablesFor(CLIENTS.rsaKey, { oauth2_private_key: pem(KEYS.other.privateKey) });
      const result = await run(collectionWithScript(script, requests(2, base)), { environment: vars });
      assert.deepEqual(
        result.failures.map((f) => f.test),
        [FAILURE_TEST, FAILURE_TEST],
      );
      assert.match(result.failures[0]?.message ?? '', /invalid_client/);
      assert.equal(apiCalls(base).length, 0);
    });

    it('fails closed, without asking the server, with a key it cannot parse or that does not fit the algorithm', async () => {
      for (const [key, message] of [
        [
          '-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----',
          /oauth2_private_key has a PRIVATE KEY block that is not base64/,
        ],
        [pem(KEYS.ec.privateKey), /oauth2_private_key is a P-256 EC key, which cannot sign RS256/],
      ] as const) {
        const base = apiBase();
        const before = servers.auth.tokenRequests();
        const vars = servers.variablesFor(CLIENTS.rsaKey, { oauth2_private_key: key, oauth2_assertion_alg: 'RS256' });
        const result = await run(collectionWithScript(script, requests(1, base)), { environment: vars });
        assert.equal(result.failures[0]?.test, FAILURE_TEST);
        assert.match(result.failures[0]?.message ?? '', message);
        assert.equal(servers.auth.tokenRequests(), before);
        assert.equal(apiCalls(base).length, 0);
      }
    });

    it('oauth2_assertion_audience=issuer fails closed here, without asking the server: only pm-oauth2 run reads the metadata', async () => {
      const base = apiBase();
      const before = servers.auth.tokenRequests();
      const vars = servers.variablesFor(CLIENTS.rsaKey, {
        oauth2_private_key: pem(KEYS.rsa.privateKey),
        oauth2_assertion_audience: 'issuer',
      });
      const result = await run(collectionWithScript(script, requests(1, base)), { environment: vars });
      assert.match(
        result.failures[0]?.message ?? '',
        /oauth2_assertion_audience=issuer is found in the server's metadata by pm-oauth2 run only/,
      );
      assert.equal(servers.auth.tokenRequests(), before);
      assert.equal(apiCalls(base).length, 0);
    });

    it('the small variant says to use the JWT one', async () => {
      const base = apiBase();
      const vars = servers.variablesFor(CLIENTS.rsaKey, { oauth2_private_key: pem(KEYS.rsa.privateKey) });
      const result = await run(collectionWithScript(secretOnlyScript, requests(1, base)), { environment: vars });
      assert.match(result.failures[0]?.message ?? '', /built without JWT signing.*prerequest-jwt\.js/);
      assert.equal(apiCalls(base).length, 0);
    });
  });
}

describe("oauth2_assertion_audience=issuer in pm-oauth2 run: the issuer from the server's metadata", function () {
  this.timeout(60_000);
  const context = useSuite('issuer-aud');

  it("signs with aud = the issuer its token endpoint's metadata names, and the server accepts it", async () => {
    const { servers, dir } = context;
    const base = servers.apiBase('issuer');
    const vars = servers.variablesFor(CLIENTS.rsaKey, {
      oauth2_private_key: pem(KEYS.rsa.privateKey),
      oauth2_assertion_audience: 'issuer',
    });
    const before = servers.auth.tokensIssued(CLIENTS.rsaKey.clientId);
    const item = requests(2, base).map((r) => ({ name: r.name, request: { method: 'GET', url: r.url } }));
    const { result, lines } = await runBuiltJob(dir, { info: { name: 'issuer' }, item }, vars);
    assert.deepEqual(
      result.collections.flatMap((c) => c.outcome.failures),
      [],
      lines.join('\n'),
    );
    assert.equal(servers.auth.tokensIssued(CLIENTS.rsaKey.clientId) - before, 1);
    assert.equal(servers.apiCalls(base).filter((c) => c.status === 200).length, 2);
  });
});
