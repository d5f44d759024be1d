import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { buildScript } from '../../scripts/build-script.js';
import type { Collection } from '../../src/generator/collection-types.js';
import { embedScript } from '../../src/generator/embed.js';
import { DEFAULT_SCRIPT_PATHS, readScripts } from '../../src/generator/build.js';
import {
  DEMO_RESOURCE,
  startAuthorizationServer,
  type AuthorizationServer,
  type ClientRegistration,
} from '../../src/servers/authorization-server.js';
import { startDemoApi, type DemoApi } from '../../src/servers/demo-api.js';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Reports } from '../../src/runner/reports.js';
import { runJob, type JobResult } from '../../src/runner/run-job.js';
import { mergeVariables } from '../../src/runner/variable-sources.js';
import { ENGINES, OLDER_NEWMANS, type Engine } from '../helpers/engines.js';
import { credentialLeaks } from '../helpers/leaks.js';
import { startFaultTokenServer, type FaultTokenServer } from '../helpers/fault-token-server.js';

const FAILURE_TEST = 'pm-oauth2: access token';
/** A whole JWT: an access token, or a DPoP proof (which the JSON report would hold as a request header). */
const WHOLE_JWT = /eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]{5,}/;
const KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const OTHER_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const RSA_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 });
const JWK_TEXT = JSON.stringify(KEY.privateKey.export({ format: 'jwk' }));
const PEM = (key: import('node:crypto').KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }).toString();
const CLIENT_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** Clients the server issues DPoP-bound tokens only; the secret has every character naive encodings break. */
const DPOP_CLIENTS = {
  basic: {
    clientId: 'dpop-basic',
    clientSecret: 'd+p/o=p:&% "\\ q',
    authentication: 'client_secret_basic',
    dpopBound: true,
  },
  keyJwt: {
    clientId: 'dpop-key-jwt',
    clientSecret: '',
    authentication: 'private_key_jwt',
    signingAlg: 'ES256',
    jwks: { keys: [CLIENT_KEY.publicKey.export({ format: 'jwk' })] },
    dpopBound: true,
  },
} as const satisfies Record<string, ClientRegistration>;

const thumbprint = (key: import('node:crypto').KeyObject) =>
  calculateJwkThumbprint(key.export({ format: 'jwk' }) as JWK);

interface DpopServers {
  readonly auth: AuthorizationServer;
  /** Asks for a nonce, as a FAPI 2.0 resource server may. */
  readonly api: DemoApi;
  readonly faults: FaultTokenServer;
  close(): Promise<void>;
}

/** An authorization server that asks for a DPoP nonce at its token endpoint, and an API that asks for one too. */
async function startDpopServers(): Promise<DpopServers> {
  const auth = await startAuthorizationServer({ clients: Object.values(DPOP_CLIENTS), dpopNonce: true });
  const [api, faults] = await Promise.all([
    startDemoApi({ issuer: auth.issuer, audience: DEMO_RESOURCE, jwks: auth.jwks, dpopNonce: true }),
    startFaultTokenServer(),
  ]);
  return {
    auth,
    api,
    faults,
    close: async () => void (await Promise.all([auth.close(), api.close(), faults.close()])),
  };
}

/** A built collection (the generator's own output, signing variant, with the after-response script), each request testing for a 200. */
function built(
  scripts: { secret: string; jwt: string },
  base: string,
  count: number,
  options: { jwt?: boolean; retryOn401?: boolean } = {},
): Collection {
  const source: Collection = {
    info: { name: 'dpop', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
    item: Array.from({ length: count }, (_, i) => ({
      name: `request ${i + 1}`,
      request: { method: i % 2 ? 'POST' : 'GET', url: `${base}/${i + 1}?page=${i}` },
      event: [
        {
          listen: 'test',
          script: { type: 'text/javascript', exec: ["pm.test('200 OK', () => pm.response.to.have.status(200));"] },
        },
      ],
    })),
  };
  return embedScript(source, scripts, { jwt: options.jwt ?? true, retryOn401: options.retryOn401 ?? true }).collection;
}

function dpopSuite(engineName: string, run: Engine, options: { canRetry: boolean }): void {
  describe(`DPoP (RFC 9449) in ${engineName}`, function () {
    this.timeout(60_000);
    let servers: DpopServers;
    let scripts: { secret: string; jwt: string };
    let serial = 0;
    const apiBase = () => `${servers.api.url}/api/dpop${++serial}`;
    const apiCalls = (base: string) => servers.api.calls.filter((c) => c.path.startsWith(`${new URL(base).pathname}/`));
    const variables = (client: ClientRegistration, extra: Record<string, string> = {}) => ({
      oauth2_token_url: servers.auth.tokenUrl,
      oauth2_client_id: client.clientId,
      oauth2_client_auth: client.authentication,
      ...(client.clientSecret ? { oauth2_client_secret: client.clientSecret } : {}),
      oauth2_dpop: 'true',
      oauth2_dpop_key: JWK_TEXT,
      ...extra,
    });

    before(async () => {
      [servers] = await Promise.all([startDpopServers(), buildScript()]);
      scripts = await readScripts(DEFAULT_SCRIPT_PATHS);
    });
    after(() => servers.close());

    const methods: Array<[string, () => Record<string, string>, string]> = [
      ['client_secret_basic', () => variables(DPOP_CLIENTS.basic), DPOP_CLIENTS.basic.clientId],
      [
        'private_key_jwt',
        () => variables(DPOP_CLIENTS.keyJwt, { oauth2_private_key: PEM(CLIENT_KEY.privateKey) }),
        DPOP_CLIENTS.keyJwt.clientId,
      ],
    ];
    for (const [method, vars, clientId] of methods) {
      it(`${method}: one token bound to the key, each request with its own proof, the nonces of both servers honoured`, async () => {
        const base = apiBase();
        const [issued, asked] = [servers.auth.tokensIssued(clientId), servers.auth.tokenRequests()];
        const result = await run(built(scripts, base, 4), { environment: vars() });
        assert.deepEqual(result.failures, []);
        assert.equal(servers.auth.tokensIssued(clientId) - issued, 1, 'one token for the run');
        assert.equal(servers.auth.tokenRequests() - asked, 2, 'the token endpoint asked for a nonce once');
        const calls = apiCalls(base);
        const jkt = await thumbprint(KEY.privateKey);
        if (options.canRetry) {
          assert.deepEqual(
            calls.map((c) => c.status),
            [401, 200, 200, 200, 200],
            'the API asked for its nonce once and the request went again',
          );
        } else {
          assert.deepEqual(
            calls.map((c) => c.status),
            [401, 200, 200, 200],
            'without setNextRequest the first request is answered use_dpop_nonce; the nonce serves the rest',
          );
        }
        assert.ok(
          calls.filter((c) => c.status === 200).every((c) => c.dpopJkt === jkt),
          'every accepted request was proved with the key',
        );
        assert.ok(
          calls.every((c) => /^DPoP /.test(c.authorization ?? '')),
          'never sent as a Bearer token',
        );
        assert.deepEqual(
          credentialLeaks(result.output, KEY.privateKey.export({ format: 'jwk' }).d ?? ''),
          [],
          'the DPoP key leaked',
        );
        assert.ok(!WHOLE_JWT.test(result.output), 'a whole token or proof is in the output');
        if (DPOP_CLIENTS.basic.clientId === clientId)
          assert.deepEqual(credentialLeaks(result.output, DPOP_CLIENTS.basic.clientSecret, clientId), []);
      });
    }

    if (engineName !== 'newman 5.3.2') {
      it("profiles: each folder's client gets its own DPoP-bound token, one proof key shared", async () => {
        const base = apiBase();
        const folder = (name: string, count: number) => ({
          name,
          item: Array.from({ length: count }, (_, i) => ({
            name: `${name} ${i + 1}`,
            request: { method: 'GET', url: `${base}/${name}-${i + 1}` },
          })),
        });
        const source: Collection = {
          info: {
            name: 'dpop profiles',
            schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
          },
          item: [folder('users', 2), folder('admin', 2)],
        };
        const collection = embedScript(source, scripts, {
          jwt: true,
          retryOn401: true,
          folderProfiles: { admin: 'admin' },
        }).collection;
        const [basic, keyJwt] = [
          servers.auth.tokensIssued(DPOP_CLIENTS.basic.clientId),
          servers.auth.tokensIssued(DPOP_CLIENTS.keyJwt.clientId),
        ];
        const result = await run(collection, {
          environment: {
            ...variables(DPOP_CLIENTS.basic),
            oauth2_admin_client_id: DPOP_CLIENTS.keyJwt.clientId,
            oauth2_admin_client_auth: 'private_key_jwt',
            oauth2_admin_private_key: PEM(CLIENT_KEY.privateKey),
          },
        });
        assert.deepEqual(result.failures, []);
        assert.deepEqual(
          [
            servers.auth.tokensIssued(DPOP_CLIENTS.basic.clientId) - basic,
            servers.auth.tokensIssued(DPOP_CLIENTS.keyJwt.clientId) - keyJwt,
          ],
          [1, 1],
        );
        const accepted = apiCalls(base).filter((c) => c.status === 200);
        const jkt = await thumbprint(KEY.privateKey);
        assert.deepEqual(
          accepted.map((c) => [c.path.split('/').pop(), c.clientId, c.dpopJkt === jkt]),
          [
            ['users-1', DPOP_CLIENTS.basic.clientId, true],
            ['users-2', DPOP_CLIENTS.basic.clientId, true],
            ['admin-1', DPOP_CLIENTS.keyJwt.clientId, true],
            ['admin-2', DPOP_CLIENTS.keyJwt.clientId, true],
          ],
        );
      });
    }

    it('an RSA key (RS256, from a PEM) works as well', async () => {
      const base = apiBase();
      const result = await run(built(scripts, base, 2), {
        environment: variables(DPOP_CLIENTS.basic, { oauth2_dpop_key: PEM(RSA_KEY.privateKey) }),
      });
      assert.deepEqual(result.failures, []);
      const jkt = await thumbprint(RSA_KEY.privateKey);
      assert.ok(apiCalls(base).filter((c) => c.status === 200).length >= 1);
      assert.ok(
        apiCalls(base)
          .filter((c) => c.status === 200)
          .every((c) => c.dpopJkt === jkt),
      );
    });

    it('another key gets another token: a token bound to one key is never sent with another', async () => {
      const base = apiBase();
      const first = await run(built(scripts, base, 1), { environment: variables(DPOP_CLIENTS.basic) });
      assert.deepEqual(first.failures, []);
      const issued = servers.auth.tokensIssued(DPOP_CLIENTS.basic.clientId);
      const carried = Object.fromEntries(Object.entries(first.environment).map(([k, v]) => [k, String(v)]));
      const result = await run(built(scripts, base, 2), {
        environment: { ...carried, oauth2_dpop_key: PEM(OTHER_KEY.privateKey) },
      });
      assert.deepEqual(result.failures, []);
      assert.equal(servers.auth.tokensIssued(DPOP_CLIENTS.basic.clientId) - issued, 1);
      const jkt = await thumbprint(OTHER_KEY.privateKey);
      assert.ok(
        apiCalls(base)
          .slice(-2)
          .every((c) => c.status === 200 && c.dpopJkt === jkt),
      );
    });

    it('fails closed, without asking any server, with a key it cannot use', async () => {
      const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      const base = apiBase();
      const asked = servers.auth.tokenRequests();
      const result = await run(built(scripts, base, 2), {
        environment: variables(DPOP_CLIENTS.basic, { oauth2_dpop_key: ed }),
      });
      // (Newman 5.3.2 also runs the user's tests of a request it could not send: they fail as well.)
      assert.equal(result.failures.filter((f) => f.test === FAILURE_TEST).length, 2);
      assert.match(result.failures[0]?.message ?? '', /oauth2_dpop_key is neither an RSA nor an EC key/);
      assert.ok(!result.output.includes(ed.slice(30, 60)), 'the key leaked');
      assert.equal(servers.auth.tokenRequests(), asked);
      assert.equal(apiCalls(base).length, 0);
    });

    it("fails closed when the key's public half is another key's: the server refuses the proof, the API is never asked", async () => {
      const base = apiBase();
      const { x, y } = OTHER_KEY.privateKey.export({ format: 'jwk' });
      const mismatched = JSON.stringify({ ...KEY.privateKey.export({ format: 'jwk' }), x, y });
      const result = await run(built(scripts, base, 2), {
        environment: variables(DPOP_CLIENTS.basic, { oauth2_dpop_key: mismatched }),
      });
      assert.equal(result.failures.filter((f) => f.test === FAILURE_TEST).length, 2);
      assert.match(
        result.failures[0]?.message ?? '',
        /invalid_dpop_proof[\s\S]*refused the DPoP proof: check that oauth2_dpop_key/,
      );
      assert.equal(apiCalls(base).length, 0);
      assert.deepEqual(credentialLeaks(result.output, KEY.privateKey.export({ format: 'jwk' }).d ?? ''), []);
    });

    it('fails closed when the server ignores the proof and issues a Bearer token', async () => {
      const base = apiBase();
      const result = await run(built(scripts, base, 1), {
        environment: variables(DPOP_CLIENTS.basic, { oauth2_token_url: `${servers.faults.url}/ok/dpop-ignored` }),
      });
      assert.equal(result.failures[0]?.test, FAILURE_TEST);
      assert.match(
        result.failures[0]?.message ?? '',
        /type "Bearer" to a request with a DPoP proof.*turn on DPoP-bound tokens/,
      );
      assert.equal(apiCalls(base).length, 0);
    });

    it('the reverse: without oauth2_dpop, a DPoP token is never sent as a Bearer token, and the message says to turn DPoP on', async () => {
      const base = apiBase();
      const result = await run(built(scripts, base, 1), {
        environment: variables(DPOP_CLIENTS.basic, {
          oauth2_token_url: `${servers.faults.url}/dpop-type/no-proof`,
          oauth2_dpop: '',
        }),
      });
      assert.equal(result.failures[0]?.test, FAILURE_TEST);
      assert.match(result.failures[0]?.message ?? '', /type "DPoP", not Bearer.*set oauth2_dpop=true/);
      assert.equal(apiCalls(base).length, 0);
    });

    it('the small variant says to use the signing one, and sends nothing', async () => {
      const base = apiBase();
      const asked = servers.auth.tokenRequests();
      const result = await run(built(scripts, base, 1, { jwt: false }), { environment: variables(DPOP_CLIENTS.basic) });
      assert.equal(result.failures[0]?.test, FAILURE_TEST);
      assert.match(result.failures[0]?.message ?? '', /built without the signing code DPoP needs.*prerequest-jwt\.js/);
      assert.equal(servers.auth.tokenRequests(), asked);
      assert.equal(apiCalls(base).length, 0);
    });

    it('the small variant never sends a DPoP token the signing variant cached (not as Bearer either), and says to use the signing one', async () => {
      const base = apiBase();
      const first = await run(built(scripts, base, 1), { environment: variables(DPOP_CLIENTS.basic) });
      assert.deepEqual(first.failures, []);
      const carried = Object.fromEntries(Object.entries(first.environment).map(([k, v]) => [k, String(v)]));
      assert.ok(carried['oauth2_access_token'], 'the first run cached its token');
      const [asked, called] = [servers.auth.tokenRequests(), apiCalls(base).length];
      const result = await run(built(scripts, base, 2, { jwt: false }), { environment: carried });
      assert.equal(result.failures.filter((f) => f.test === FAILURE_TEST).length, 2);
      assert.match(result.failures[0]?.message ?? '', /built without the signing code DPoP needs.*prerequest-jwt\.js/);
      assert.equal(servers.auth.tokenRequests(), asked);
      assert.equal(apiCalls(base).length, called, 'the API saw nothing');
    });
  });
}

for (const [engineName, run] of ENGINES) dpopSuite(engineName, run, { canRetry: true });
for (const [engineName, run] of OLDER_NEWMANS.filter(([name]) => name === 'newman 5.3.2'))
  dpopSuite(engineName, run, { canRetry: false });

describe('DPoP (RFC 9449) through pm-oauth2 run', function () {
  this.timeout(60_000);
  let servers: DpopServers;
  let scripts: { secret: string; jwt: string };
  let dir: string;
  let serial = 0;
  const apiBase = () => `${servers.api.url}/api/run-dpop${++serial}`;
  const apiCalls = (base: string) => servers.api.calls.filter((c) => c.path.startsWith(`${new URL(base).pathname}/`));

  before(async () => {
    [servers] = await Promise.all([startDpopServers(), buildScript()]);
    scripts = await readScripts(DEFAULT_SCRIPT_PATHS);
    dir = await mkdtemp(join(tmpdir(), 'pm-oauth2-dpop-'));
  });
  after(async () => {
    await servers.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function runCli(
    collection: Collection,
    variables: Record<string, string>,
    inSandbox: boolean,
  ): Promise<{ result: JobResult; lines: string[]; output: string }> {
    const file = join(dir, `c${++serial}.postman_collection.json`);
    await writeFile(file, JSON.stringify(collection));
    const lines: string[] = [];
    const terminal = { out: (line: string) => void lines.push(line), err: (line: string) => void lines.push(line) };
    const exported = join(dir, `env-${serial}.json`);
    const result = await runJob({
      collections: [file],
      environment: undefined,
      terminal,
      inSandbox,
      variables: mergeVariables({
        environment: undefined,
        dotenvText: undefined,
        processEnv: {},
        flags: Object.entries(variables).map(([k, v]) => `${k}=${v}`),
      }),
      reports: await Reports.create({
        reporters: ['junit', 'json'],
        reportDir: join(dir, `reports-${serial}`),
        junitFile: undefined,
      }),
      exportEnvironmentFile: exported,
      timeoutRequestMs: 20_000,
      bail: false,
      iterationCount: undefined,
      env: {},
    });
    const files = await Promise.all(result.files.map((f) => readFile(f, 'utf8')));
    return { result, lines, output: [...lines, ...files].join('\n') };
  }

  const vars = (extra: Record<string, string> = {}) => ({
    oauth2_token_url: servers.auth.tokenUrl,
    oauth2_client_id: DPOP_CLIENTS.basic.clientId,
    oauth2_client_secret: DPOP_CLIENTS.basic.clientSecret,
    oauth2_dpop: 'true',
    ...extra,
  });

  for (const inSandbox of [false, true]) {
    const path = inSandbox ? '--in-sandbox (the script, swapped for its signing variant)' : 'in process';
    it(`${path}: without a key, one is made for the run; one token, every request proved with it, both servers' nonces honoured`, async () => {
      const base = apiBase();
      const issued = servers.auth.tokensIssued(DPOP_CLIENTS.basic.clientId);
      // Built as plain Newman users build it: the small script, no after-response script.
      const run = await runCli(built(scripts, base, 4, { jwt: false, retryOn401: false }), vars(), inSandbox);
      assert.deepEqual(
        run.result.collections.flatMap((c) => c.outcome.failures),
        [],
      );
      assert.equal(servers.auth.tokensIssued(DPOP_CLIENTS.basic.clientId) - issued, 1);
      const note = run.lines.find((l) => /oauth2_dpop is true and no oauth2_dpop_key is set/.test(l)) ?? '';
      const jkt = /thumbprint ([\w-]{43})/.exec(note)?.[1];
      assert.ok(jkt, `the note names the key's thumbprint: ${note}`);
      const calls = apiCalls(base);
      assert.ok(
        calls.every((c) => /^DPoP /.test(c.authorization ?? '')),
        'never sent as a Bearer token',
      );
      const accepted = calls.filter((c) => c.status === 200);
      assert.ok(
        accepted.every((c) => c.dpopJkt === jkt),
        "every accepted request was proved with the run's key",
      );
      assert.deepEqual(
        calls.map((c) => c.status),
        [401, 200, 200, 200, 200],
        'the refused request went again, once, with the nonce',
      );
      if (inSandbox)
        assert.ok(
          run.lines.some((l) => /is run with the signing variant of the script and its after-response script/.test(l)),
          'says what it swapped in',
        );
      assert.ok(!WHOLE_JWT.test(run.output), 'a whole token or proof is in a report or the terminal');
      assert.ok(
        !/"d"\s*:\s*"[\w-]{40,}"/.test(run.output) && !/\\"d\\":\\"[\w-]{40,}/.test(run.output),
        'the made key leaked',
      );
    });

    it(`${path}: with a key given, it is the key; it is masked in every report and the exported environment`, async () => {
      const base = apiBase();
      const run = await runCli(
        built(scripts, base, 2, { jwt: false, retryOn401: false }),
        vars({ oauth2_dpop_key: JWK_TEXT }),
        inSandbox,
      );
      assert.deepEqual(
        run.result.collections.flatMap((c) => c.outcome.failures),
        [],
      );
      const jkt = await thumbprint(KEY.privateKey);
      assert.ok(
        apiCalls(base)
          .filter((c) => c.status === 200)
          .every((c) => c.dpopJkt === jkt),
      );
      assert.ok(apiCalls(base).some((c) => c.status === 200));
      assert.ok(!run.lines.some((l) => /made for it/.test(l)));
      assert.deepEqual(
        credentialLeaks(run.output, KEY.privateKey.export({ format: 'jwk' }).d ?? ''),
        [],
        'the DPoP key leaked',
      );
      assert.ok(!WHOLE_JWT.test(run.output), 'a whole token or proof is in a report or the terminal');
    });
  }
});
