// The token request goes through the TLS settings the API requests use (--ssl-extra-ca-certs,
// --ssl-client-cert/--ssl-client-key, -k), in process and through the collection's script, with a
// token endpoint behind HTTPS signed by a test CA, and one that demands a client certificate.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SCRIPT_PATHS, readScripts } from '../../src/generator/build.js';
import { embedScript } from '../../src/generator/embed.js';
import { runCli, WITHOUT_PROXY, type CliResult } from '../helpers/cli.js';
import { credentialLeaks } from '../helpers/leaks.js';
import { CLIENTS, startTestServers, type TestServers } from '../helpers/servers.js';
import { PLAIN_NEWMAN_CLI } from '../helpers/engines.js';
import { runProcess } from '../helpers/process.js';
import { startTlsFront, TLS_FIXTURES, type TlsFront } from '../helpers/tls-front.js';

const NO_PROXY_ENV = WITHOUT_PROXY;
const CA = `${TLS_FIXTURES}ca.crt`;
const CLIENT_CERT = ['--ssl-client-cert', `${TLS_FIXTURES}client.crt`, '--ssl-client-key', `${TLS_FIXTURES}client.key`];

describe('the token endpoint behind HTTPS: the same TLS settings as the API', function () {
  this.timeout(60_000);
  let servers: TestServers;
  let tls: TlsFront;
  let mutual: TlsFront;
  let dir: string;
  let collectionFile: string;
  let base: string;

  before(async () => {
    servers = await startTestServers();
    [tls, mutual] = await Promise.all([
      startTlsFront(servers.auth.issuer, { requireClientCertificate: false }),
      startTlsFront(servers.auth.issuer, { requireClientCertificate: true }),
    ]);
    dir = await mkdtemp(join(tmpdir(), 'pm-oauth2-tls-'));
    base = servers.apiBase('tls');
    const collection = embedScript(
      {
        info: { name: 'tls', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
        item: [{ name: 'one', request: { method: 'GET', url: `${base}/one` } }],
      },
      await readScripts(DEFAULT_SCRIPT_PATHS),
    ).collection;
    collectionFile = join(dir, 'tls.postman_collection.json');
    await writeFile(collectionFile, JSON.stringify(collection));
  });
  after(async () => {
    await Promise.all([tls.close(), mutual.close(), servers.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  const run = (tokenOrigin: string, args: string[]): Promise<CliResult> =>
    runCli(['run', collectionFile, '--report-dir', 'reports', ...args], {
      cwd: dir,
      env: {
        ...NO_PROXY_ENV,
        OAUTH2_TOKEN_URL: `${tokenOrigin}/token`,
        OAUTH2_CLIENT_ID: CLIENTS.demo.clientId,
        OAUTH2_CLIENT_SECRET: CLIENTS.demo.clientSecret,
      },
    });

  for (const [path, extra] of [
    ['in process', []],
    ['in the sandbox', ['--in-sandbox']],
  ] as const) {
    describe(path, () => {
      it('an endpoint signed by a private CA: refused without the CA, with advice; a token with --ssl-extra-ca-certs', async () => {
        const before = servers.apiCalls(base).length;
        const refused = await run(tls.url, [...extra]);
        assert.equal(refused.code, 1);
        assert.match(refused.stdout + refused.stderr, /--ssl-extra-ca-certs/);
        assert.equal(servers.apiCalls(base).length, before, 'no request without a token');
        const trusted = await run(tls.url, [...extra, '--ssl-extra-ca-certs', CA]);
        assert.equal(trusted.code, 0, trusted.stdout + trusted.stderr);
        assert.deepEqual(
          servers
            .apiCalls(base)
            .slice(before)
            .map((c) => [c.status, c.clientId]),
          [[200, CLIENTS.demo.clientId]],
        );
        assert.deepEqual(
          credentialLeaks(trusted.stdout + trusted.stderr, CLIENTS.demo.clientSecret, CLIENTS.demo.clientId),
          [],
        );
      });

      it('-k: the certificate is not checked', async () => {
        const result = await run(tls.url, [...extra, '-k']);
        assert.equal(result.code, 0, result.stdout + result.stderr);
      });

      it('an endpoint that demands a client certificate: refused without one (not a CA problem), a token with --ssl-client-cert', async () => {
        const without = await run(mutual.url, [...extra, '--ssl-extra-ca-certs', CA]);
        assert.equal(without.code, 1);
        assert.doesNotMatch(without.stdout + without.stderr, /add .*--ssl-extra-ca-certs/);
        assert.match(
          without.stdout + without.stderr,
          /asks for a client certificate \(mutual TLS\): give one with --ssl-client-cert/,
        );
        assert.doesNotMatch(without.stdout + without.stderr, /attempts\)/, 'a TLS refusal is not retried');
        const seen = mutual.clients.length;
        const withCert = await run(mutual.url, [...extra, '--ssl-extra-ca-certs', CA, ...CLIENT_CERT]);
        assert.equal(withCert.code, 0, withCert.stdout + withCert.stderr);
        assert.deepEqual(mutual.clients.slice(seen), ['demo-client']);
      });
    });
  }

  for (const [version, bin] of Object.entries(PLAIN_NEWMAN_CLI)) {
    it(`plain newman ${version}: the built collection's token request takes the CA and client certificate options`, async () => {
      const newman = (args: string[]) =>
        runProcess(
          process.execPath,
          [
            bin,
            'run',
            collectionFile,
            '--reporters',
            'cli',
            '--env-var',
            `oauth2_token_url=${mutual.url}/token`,
            '--env-var',
            `oauth2_client_id=${CLIENTS.demo.clientId}`,
            '--env-var',
            `oauth2_client_secret=${CLIENTS.demo.clientSecret}`,
            ...args,
          ],
          { cwd: dir, env: NO_PROXY_ENV },
        );
      const before = servers.apiCalls(base).length;
      const refused = await newman(['--ssl-extra-ca-certs', CA]);
      assert.equal(refused.code, 1);
      assert.match(refused.stdout, /asks for a client certificate \(mutual TLS\): give one with --ssl-client-cert/);
      assert.equal(servers.apiCalls(base).length, before, 'no request without a token');
      const seen = mutual.clients.length;
      const accepted = await newman(['--ssl-extra-ca-certs', CA, ...CLIENT_CERT]);
      assert.equal(accepted.code, 0, accepted.stdout + accepted.stderr);
      assert.deepEqual(mutual.clients.slice(seen), ['demo-client']);
      assert.deepEqual(
        servers
          .apiCalls(base)
          .slice(before)
          .map((c) => c.status),
        [200],
      );
    });
  }
});
