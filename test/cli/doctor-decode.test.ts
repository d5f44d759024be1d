import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { runCli } from '../helpers/cli.js';
import { CLIENTS, KEYS, startTestServers, type TestServers } from '../helpers/servers.js';
import { RAW_BASIC_SECRET } from '../helpers/fault-token-server.js';
import { credentialLeaks } from '../helpers/leaks.js';

describe('pm-oauth2 doctor and decode (the built binary)', function () {
  this.timeout(60_000);
  let servers: TestServers;
  before(async () => {
    servers = await startTestServers();
  });
  after(() => servers.close());

  const doctor = (vars: Record<string, string>) =>
    runCli(['doctor', ...Object.entries(vars).flatMap(([k, v]) => ['--env-var', `${k}=${v}`])], {
      env: { OAUTH2_CLIENT_SECRET: undefined },
    });

  it('fetches one token and shows its claims, the token masked and the secret hidden', async () => {
    const result = await doctor({ ...servers.variablesFor(CLIENTS.readOnly), oauth2_scope: 'api:read' });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /oauth2_client_secret\s+\(set, 11 characters\)\s+\[--env-var\]/);
    assert.match(result.stdout, /✓ token obtained: eyJhbG…\(\d+ chars\)/);
    for (const claim of ['iss', 'client_id', 'aud', 'scope', 'exp'])
      assert.match(result.stdout, new RegExp(`\\n  ${claim}\\s+\\S`));
    assert.match(result.stdout, /client_id read-client/);
    assert.ok(!result.stdout.includes(CLIENTS.readOnly.clientSecret));
    assert.ok(!/eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]{5,}/.test(result.stdout), 'a whole token was printed');
  });

  it('refuses a token URL with a password before its host, and prints it masked (doctor and run exit 2)', async () => {
    const url = servers.auth.tokenUrl.replace('http://', 'http://admin:pw-in-url-1234@');
    const vars = { ...servers.variablesFor(CLIENTS.basic), oauth2_token_url: url };
    const checked = await doctor(vars);
    assert.equal(checked.code, 2, checked.stdout + checked.stderr);
    assert.match(checked.stdout, /oauth2_token_url\s+http:\/\/\*\*\*@127\.0\.0\.1/);
    assert.match(
      checked.stdout,
      /✗ oauth2_token_url carries a user name or password before its host \(http:\/\/\*\*\*@127\.0\.0\.1:\d+\/.*\)/,
    );
    assert.doesNotMatch(checked.stdout, /plain http to another machine/, 'a loopback URL is not misreported');
    const before = servers.auth.tokenRequests();
    const run = await runCli(
      [
        'run',
        'collections/demo-api.postman_collection.json',
        ...Object.entries(vars).flatMap(([k, v]) => ['--env-var', `${k}=${v}`]),
      ],
      { env: { OAUTH2_CLIENT_SECRET: undefined } },
    );
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.equal(servers.auth.tokenRequests(), before);
    for (const result of [checked, run])
      assert.ok(!(result.stdout + result.stderr).includes('pw-in-url-1234'), 'the password was printed');
  });

  describe('DPoP (RFC 9449)', () => {
    it('without a key, makes one, and says the token is bound to it (cnf.jkt), naming no secret', async () => {
      const result = await doctor({ ...servers.variablesFor(CLIENTS.basic), oauth2_dpop: 'true' });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const thumbprint = /thumbprint ([\w-]{43})/.exec(result.stdout)?.[1];
      assert.ok(thumbprint, result.stdout);
      assert.match(result.stdout, new RegExp(`✓ bound to the DPoP key: cnf\\.jkt ${thumbprint}`));
      assert.match(result.stdout, /oauth2_dpop_key\s+\(set, \d+ characters\)\s+\[made for this run\]/);
      assert.ok(!/"d"/.test(result.stdout), 'the made key was printed');
    });

    it('with a key, the binding is to that key', async () => {
      const jwk = KEYS.ec.privateKey.export({ format: 'jwk' });
      const result = await doctor({
        ...servers.variablesFor(CLIENTS.basic),
        oauth2_dpop: 'true',
        oauth2_dpop_key: JSON.stringify(jwk),
      });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(
        result.stdout,
        new RegExp(`✓ bound to the DPoP key: cnf\\.jkt ${await calculateJwkThumbprint(jwk as JWK)}`),
      );
      assert.ok(!result.stdout.includes(String(jwk.d)), 'the key was printed');
    });
  });

  describe('fetches a token with every client authentication method, as the script would (oidc-provider)', () => {
    const pem = (key: (typeof KEYS)['rsa']) => key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const cases: Array<[name: string, vars: (s: TestServers) => Record<string, string>]> = [
      ['client_secret_basic', (s) => s.variablesFor(CLIENTS.basic)],
      ['client_secret_post', (s) => s.variablesFor(CLIENTS.post)],
      ['client_secret_jwt (HS256)', (s) => s.variablesFor(CLIENTS.jwtSecret)],
      [
        'private_key_jwt (RS256, with kid)',
        (s) => s.variablesFor(CLIENTS.rsaKey, { oauth2_private_key: pem(KEYS.rsa), oauth2_key_id: 'rsa-1' }),
      ],
      [
        'private_key_jwt (PS256)',
        (s) => s.variablesFor(CLIENTS.psKey, { oauth2_private_key: pem(KEYS.rsa), oauth2_assertion_alg: 'PS256' }),
      ],
      ['private_key_jwt (ES256)', (s) => s.variablesFor(CLIENTS.ecKey, { oauth2_private_key: pem(KEYS.ec) })],
    ];
    for (const [name, vars] of cases) {
      it(name, async () => {
        const result = await doctor(vars(servers));
        assert.equal(result.code, 0, result.stdout + result.stderr);
        assert.match(result.stdout, /✓ token obtained: eyJhbG…\(\d+ chars\)/);
        assert.ok(!result.stdout.includes('PRIVATE KEY'), 'the key was printed');
      });
    }

    it('private_key_jwt with a key the server does not know: says the assertion was refused, and why it may be', async () => {
      const result = await doctor(servers.variablesFor(CLIENTS.ecKey, { oauth2_private_key: pem(KEYS.other) }));
      assert.equal(result.code, 1);
      assert.match(result.stdout, /✗ \[TOKEN_ERROR_RESPONSE\] the token endpoint answered 401 invalid_client/);
      assert.match(
        result.stdout,
        /→ the server refused the signed assertion: the key \(oauth2_private_key, oauth2_key_id\) is not the one registered for this client/,
      );
      assert.ok(!result.stdout.includes('PRIVATE KEY'));
    });
  });

  it('finds the right credentials placement', async () => {
    const result = await doctor({
      oauth2_token_url: `${servers.faults.url}/post-only/doctor`,
      oauth2_client_id: 'c',
      oauth2_client_secret: 'fault-secret',
    });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /✗ \[TOKEN_ERROR_RESPONSE\] the token endpoint answered 401 invalid_client/);
    assert.match(
      result.stdout,
      /→ the server accepts the same credentials with client_secret_post: set oauth2_client_auth=client_secret_post/,
    );
  });

  it("a 403 with an empty body (glewlwyd's every refusal): advice from what was sent, no audience nobody set, and the placement that works", async () => {
    const result = await doctor({
      oauth2_token_url: `${servers.faults.url}/403-empty-post-only/doctor`,
      oauth2_client_id: 'c',
      oauth2_client_secret: 'fault+secret=',
    });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /✗ \[TOKEN_ERROR_RESPONSE\] the token endpoint answered 403 \(an empty body\)/);
    assert.match(
      result.stdout,
      /the server gave no reason \(403 without an error code\), as some servers answer every refusal: check oauth2_client_id and oauth2_client_secret; a secret with reserved characters over Basic fails at servers that do not decode it/,
    );
    assert.doesNotMatch(result.stdout, /oauth2_audience/, 'no audience was set');
    assert.match(
      result.stdout,
      /→ the server accepts the same credentials with client_secret_post: set oauth2_client_auth=client_secret_post/,
    );
  });

  it('says when a server decodes Basic without undoing its form-encoding (glewlwyd, Authlib 1.2): client_secret_post, and why', async () => {
    const variables = {
      oauth2_token_url: `${servers.faults.url}/raw-basic/doctor`,
      oauth2_client_id: 'c',
      oauth2_client_secret: RAW_BASIC_SECRET,
    };
    const result = await doctor(variables);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(
      result.stdout,
      /→ the server accepts the same credentials with client_secret_post: set oauth2_client_auth=client_secret_post/,
    );
    assert.match(result.stdout, /→ it takes the secret over Basic only without RFC 6749 §2\.3\.1's form-encoding/);
    assert.deepEqual(credentialLeaks(result.stdout + result.stderr, RAW_BASIC_SECRET), []);
    // A server that follows the RFC: no such finding.
    const strict = await doctor({ ...variables, oauth2_token_url: `${servers.faults.url}/403-empty-post-only/doctor` });
    assert.doesNotMatch(strict.stdout, /without RFC 6749/);
  });

  it("--collection: the collection's own variables count (a collection that sets client_secret_post is checked so)", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pm-oauth2-doctor-'));
    try {
      const file = join(dir, 'orders.postman_collection.json');
      await writeFile(
        file,
        JSON.stringify({
          info: { name: 'orders', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
          item: [],
          variable: [{ key: 'oauth2_client_auth', value: 'client_secret_post' }],
        }),
      );
      const variables = {
        oauth2_token_url: `${servers.faults.url}/403-empty-post-only/doctor-collection`,
        oauth2_client_id: 'c',
        oauth2_client_secret: 'fault+secret=',
      };
      const args = Object.entries(variables).flatMap(([k, v]) => ['--env-var', `${k}=${v}`]);
      const withCollection = await runCli(['doctor', ...args, '--collection', file], {
        env: { OAUTH2_CLIENT_SECRET: undefined },
      });
      assert.equal(withCollection.code, 0, withCollection.stdout + withCollection.stderr);
      assert.match(withCollection.stdout, /✓ token obtained/);
      const without = await runCli(['doctor', ...args], { env: { OAUTH2_CLIENT_SECRET: undefined } });
      assert.equal(without.code, 1, 'checked as Basic without the collection');
      const missing = await runCli(['doctor', ...args, '--collection', join(dir, 'nope.json')], {
        env: { OAUTH2_CLIENT_SECRET: undefined },
      });
      assert.equal(missing.code, 2, missing.stdout + missing.stderr);
      assert.match(missing.stderr, /nope\.json/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('finds a scope the client may not ask for', async () => {
    const result = await doctor({ ...servers.variablesFor(CLIENTS.readOnly), oauth2_scope: 'api:admin' });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /→ a token without a scope is issued: the client may not ask for "api:admin"/);
  });

  it('finds the token endpoint when the URL is wrong', async () => {
    const result = await doctor({
      ...servers.variablesFor(CLIENTS.basic),
      oauth2_token_url: `${servers.auth.issuer}/oauth/token`,
    });
    assert.equal(result.code, 1);
    assert.match(
      result.stdout,
      new RegExp(`→ the server says its token endpoint is ${servers.auth.tokenUrl}: set oauth2_token_url to it`),
    );
  });

  it('never prints the secret, even when the server echoes it', async () => {
    const result = await doctor({
      oauth2_token_url: `${servers.faults.url}/echo-secret/doctor`,
      oauth2_client_id: 'c',
      oauth2_client_secret: 'echoed-secret-value',
      oauth2_client_auth: 'client_secret_post',
    });
    assert.equal(result.code, 1);
    assert.match(result.stdout, /400 invalid_request: "bad request: .*client_secret=\*\*\*/);
    assert.ok(!result.stdout.includes('echoed-secret-value'));
  });

  it('lists what is missing, and exits 2', async () => {
    const result = await doctor({ oauth2_client_id: 'x' });
    assert.equal(result.code, 2);
    assert.match(result.stdout, /✗ oauth2_token_url is not set — export OAUTH2_TOKEN_URL/);
    assert.match(result.stdout, /✗ oauth2_client_secret is not set/);
  });

  const jwt = (claims: object) =>
    `${['{"alg":"RS256","typ":"at+jwt"}', JSON.stringify(claims)].map((p) => Buffer.from(p).toString('base64url')).join('.')}.c2ln`;

  it('decodes a JWT, warning that it did not verify it', async () => {
    const result = await runCli(['decode', jwt({ iss: 'https://idp', exp: 2_000_000_000, scope: 'a b' })]);
    assert.equal(result.code, 0);
    assert.match(result.stderr, /the signature was NOT verified/);
    assert.match(
      result.stdout,
      /header:\n\{\n {2}"alg": "RS256",\n {2}"typ": "at\+jwt"\n\}\nclaims:\n\{\n {2}"iss": "https:\/\/idp",/,
    );
    assert.match(result.stdout, /exp: 2033-05-18T03:33:20\.000Z \(in \d+ years\)/);
  });

  it('decodes from standard input, and refuses what is not a JWT', async () => {
    const piped = (await runCli(['decode', '-'], { input: `Bearer ${jwt({ sub: 'piped' })}\n` })).stdout;
    assert.match(piped, /"sub": "piped"/);
    const bad = await runCli(['decode', 'opaque-token']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /error \[USAGE\]: not a JWT/);
  });
});
