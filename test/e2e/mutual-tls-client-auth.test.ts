// RFC 8705 against oidc-provider with its mTLS features, behind a TLS front that asks for a client
// certificate: tls_client_auth (no secret; a certificate the CA issued, matched by subject),
// self_signed_tls_client_auth (a certificate registered in the client's JWKS) and a
// certificate-bound token, sent to an API over the same certificate — in process, in the sandbox,
// and explained by doctor when it fails.
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SCRIPT_PATHS, readScripts } from '../../src/generator/build.js';
import { embedScript } from '../../src/generator/embed.js';
import { decodeJwt } from '../../src/oauth/jwt.js';
import {
  DEMO_RESOURCE,
  startAuthorizationServer,
  type AuthorizationServer,
} from '../../src/servers/authorization-server.js';
import { startDemoApi, type DemoApi } from '../../src/servers/demo-api.js';
import { runCli, WITHOUT_PROXY, type CliResult } from '../helpers/cli.js';
import { startTlsFront, TLS_FIXTURES, type TlsFront } from '../helpers/tls-front.js';

const NO_PROXY_ENV = { ...WITHOUT_PROXY, OAUTH2_CLIENT_SECRET: undefined };
const CERTIFICATE_HEADER = 'x-ssl-client-cert';
const TLS = ['--ssl-extra-ca-certs', `${TLS_FIXTURES}ca.crt`];
const CLIENT_CERT = ['--ssl-client-cert', `${TLS_FIXTURES}client.crt`, '--ssl-client-key', `${TLS_FIXTURES}client.key`];
const SELF_SIGNED_CERT = [
  '--ssl-client-cert',
  `${TLS_FIXTURES}self-signed.crt`,
  '--ssl-client-key',
  `${TLS_FIXTURES}self-signed.key`,
];

/** The client's registration for self_signed_tls_client_auth: its certificate's public key, with the certificate. */
async function selfSignedJwks(): Promise<{ keys: object[] }> {
  const certificate = new X509Certificate(await readFile(`${TLS_FIXTURES}self-signed.crt`));
  return { keys: [{ ...certificate.publicKey.export({ format: 'jwk' }), x5c: [certificate.raw.toString('base64')] }] };
}

const thumbprintOf = async (file: string) =>
  createHash('sha256')
    .update(new X509Certificate(await readFile(`${TLS_FIXTURES}${file}`)).raw)
    .digest('base64url');

describe('mutual-TLS client authentication and certificate-bound tokens (RFC 8705)', function () {
  this.timeout(60_000);
  let auth: AuthorizationServer;
  let api: DemoApi;
  let authFront: TlsFront;
  let apiFront: TlsFront;
  let selfSignedApiFront: TlsFront;
  let dir: string;
  let collectionFile: string;
  let selfSignedCollectionFile: string;
  let thumbprint: string;

  before(async () => {
    auth = await startAuthorizationServer({
      clients: [
        {
          clientId: 'mtls-client',
          clientSecret: '',
          authentication: 'tls_client_auth',
          tlsSubjectDn: 'CN=demo-client',
          certificateBound: true,
        },
        {
          clientId: 'other-subject',
          clientSecret: '',
          authentication: 'tls_client_auth',
          tlsSubjectDn: 'CN=someone-else',
        },
        {
          clientId: 'self-signed-client',
          clientSecret: '',
          authentication: 'self_signed_tls_client_auth',
          jwks: await selfSignedJwks(),
          certificateBound: true,
        },
      ],
      clientCertificateHeader: CERTIFICATE_HEADER,
    });
    api = await startDemoApi({ issuer: auth.issuer, audience: DEMO_RESOURCE, jwks: auth.jwks });
    [authFront, apiFront, selfSignedApiFront] = await Promise.all([
      startTlsFront(auth.issuer, { requireClientCertificate: false, forwardCertificateAs: CERTIFICATE_HEADER }),
      startTlsFront(api.url, { requireClientCertificate: true }),
      // An API front that takes any certificate (the API checks the token's binding, not the CA).
      startTlsFront(api.url, { requireClientCertificate: false, forwardCertificateAs: CERTIFICATE_HEADER }),
    ]);
    thumbprint = await thumbprintOf('client.crt');
    dir = await mkdtemp(join(tmpdir(), 'pm-oauth2-mtls-'));
    const scripts = await readScripts(DEFAULT_SCRIPT_PATHS);
    const collectionTo = async (name: string, apiOrigin: string) => {
      const file = join(dir, `${name}.postman_collection.json`);
      await writeFile(
        file,
        JSON.stringify(
          embedScript(
            {
              info: { name, schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
              item: [
                {
                  name: 'one',
                  request: { method: 'GET', url: `${apiOrigin}/api/mtls/one` },
                  event: [
                    {
                      listen: 'test',
                      script: {
                        type: 'text/javascript',
                        exec: ["pm.test('200', () => pm.response.to.have.status(200));"],
                      },
                    },
                  ],
                },
              ],
            },
            scripts,
          ).collection,
        ),
      );
      return file;
    };
    collectionFile = await collectionTo('mtls', apiFront.url);
    selfSignedCollectionFile = await collectionTo('self-signed', selfSignedApiFront.url);
  });
  after(async () => {
    await Promise.all([authFront.close(), apiFront.close(), selfSignedApiFront.close()]);
    await Promise.all([api.close(), auth.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  const env = (clientId: string, method = 'tls_client_auth') => ({
    ...NO_PROXY_ENV,
    OAUTH2_TOKEN_URL: `${authFront.url}/token`,
    OAUTH2_CLIENT_ID: clientId,
    OAUTH2_CLIENT_AUTH: method,
    OAUTH2_RESOURCE: DEMO_RESOURCE,
  });
  const run = (clientId: string, args: string[]): Promise<CliResult> =>
    runCli(['run', collectionFile, '--report-dir', 'reports', ...TLS, ...args], { cwd: dir, env: env(clientId) });
  const runSelfSigned = (args: string[]): Promise<CliResult> =>
    runCli(['run', selfSignedCollectionFile, '--report-dir', 'reports', ...TLS, ...args], {
      cwd: dir,
      env: env('self-signed-client', 'self_signed_tls_client_auth'),
    });

  for (const [path, extra] of [
    ['in process', []],
    ['in the sandbox', ['--in-sandbox']],
  ] as const) {
    it(`${path}: no secret, the certificate authenticates the client; the token is bound to it and reaches the API over it`, async () => {
      const before = api.calls.length;
      const result = await run('mtls-client', [...extra, ...CLIENT_CERT]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const calls = api.calls.slice(before);
      assert.deepEqual(
        calls.map((c) => c.status),
        [200],
      );
      const token = calls[0]?.authorization?.replace(/^Bearer /, '') ?? '';
      assert.deepEqual(decodeJwt(token)?.claims['cnf'], { 'x5t#S256': thumbprint });
      assert.equal(apiFront.clients.at(-1), 'demo-client');
    });

    it(`${path}: without the certificate, fails closed with the mTLS advice`, async () => {
      const before = api.calls.length;
      const result = await run('mtls-client', [...extra]);
      assert.equal(result.code, 1);
      assert.match(
        result.stdout,
        /did not accept the client certificate for this client: present it with --ssl-client-cert/,
      );
      assert.equal(api.calls.length, before);
    });

    it(`${path}: self_signed_tls_client_auth — the registered self-signed certificate gets a token bound to it`, async () => {
      const before = api.calls.length;
      const result = await runSelfSigned([...extra, ...SELF_SIGNED_CERT]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      const calls = api.calls.slice(before);
      assert.deepEqual(
        calls.map((c) => c.status),
        [200],
      );
      const token = calls[0]?.authorization?.replace(/^Bearer /, '') ?? '';
      assert.deepEqual(decodeJwt(token)?.claims['cnf'], { 'x5t#S256': await thumbprintOf('self-signed.crt') });
      assert.equal(selfSignedApiFront.clients.at(-1), 'self-signed-client');
    });

    it(`${path}: self_signed_tls_client_auth — a certificate not registered for the client fails closed`, async () => {
      const before = api.calls.length;
      const result = await runSelfSigned([...extra, ...CLIENT_CERT]);
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.match(result.stdout, /did not accept the client certificate for this client/);
      assert.equal(api.calls.length, before);
    });
  }

  it('doctor: explains no certificate, and a certificate not registered for the client', async () => {
    const none = await runCli(['doctor', ...TLS], { cwd: dir, env: env('mtls-client') });
    assert.equal(none.code, 1);
    assert.match(none.stdout, /no client certificate was given: pass --ssl-client-cert/);
    const wrong = await runCli(['doctor', ...TLS, ...CLIENT_CERT], { cwd: dir, env: env('other-subject') });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stdout, /a client certificate was presented, and the server does not take it for this client/);
    const right = await runCli(['doctor', ...TLS, ...CLIENT_CERT], { cwd: dir, env: env('mtls-client') });
    assert.equal(right.code, 0, right.stdout);
  });
});
