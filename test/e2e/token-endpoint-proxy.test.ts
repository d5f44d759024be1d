// The token request leaves through the proxy the API requests use (HTTP_PROXY, HTTPS_PROXY,
// NO_PROXY, as Newman reads them): in process, through the collection's script in `pm-oauth2 run`,
// and in plain Newman, the oldest supported and the newest. The proxy counts what passes.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SCRIPT_PATHS, readScripts } from '../../src/generator/build.js';
import { embedScript } from '../../src/generator/embed.js';
import { runCli, WITHOUT_PROXY, type CliResult } from '../helpers/cli.js';
import { startForwardProxy, type ForwardProxy } from '../helpers/forward-proxy.js';
import { credentialLeaks } from '../helpers/leaks.js';
import { PLAIN_NEWMAN_CLI } from '../helpers/engines.js';
import { runProcess } from '../helpers/process.js';
import { CLIENTS, startTestServers, type TestServers } from '../helpers/servers.js';
import { startTlsFront, TLS_FIXTURES, type TlsFront } from '../helpers/tls-front.js';

const CA = `${TLS_FIXTURES}ca.crt`;
const CLIENT_CERT = ['--ssl-client-cert', `${TLS_FIXTURES}client.crt`, '--ssl-client-key', `${TLS_FIXTURES}client.key`];
const { clientId, clientSecret } = CLIENTS.demo;

describe('the token request through a forward proxy, as the API requests go', function () {
  this.timeout(60_000);
  let servers: TestServers;
  let proxy: ForwardProxy;
  let mutual: TlsFront;
  let dir: string;
  let collectionFile: string;
  let base: string;

  before(async () => {
    servers = await startTestServers();
    [proxy, mutual] = await Promise.all([
      startForwardProxy(),
      startTlsFront(servers.auth.issuer, { requireClientCertificate: true }),
    ]);
    dir = await mkdtemp(join(tmpdir(), 'pm-oauth2-proxy-'));
    base = servers.apiBase('proxy');
    const collection = embedScript(
      {
        info: { name: 'proxy', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
        item: [
          { name: 'one', request: { method: 'GET', url: `${base}/one` } },
          { name: 'two', request: { method: 'GET', url: `${base}/two` } },
        ],
      },
      await readScripts(DEFAULT_SCRIPT_PATHS),
    ).collection;
    collectionFile = join(dir, 'proxy.postman_collection.json');
    await writeFile(collectionFile, JSON.stringify(collection));
  });
  after(async () => {
    await Promise.all([proxy.close(), mutual.close(), servers.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  /** What passed the proxy during `action`. */
  async function through<T>(action: () => Promise<T>): Promise<{ result: T; seen: string[] }> {
    const from = proxy.seen.length;
    const result = await action();
    return { result, seen: proxy.seen.slice(from) };
  }

  const run = (tokenUrl: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> =>
    runCli(['run', collectionFile, '--report-dir', 'reports', ...args], {
      cwd: dir,
      env: {
        ...WITHOUT_PROXY,
        NO_PROXY: undefined,
        no_proxy: undefined,
        OAUTH2_TOKEN_URL: tokenUrl,
        OAUTH2_CLIENT_ID: clientId,
        OAUTH2_CLIENT_SECRET: clientSecret,
        ...env,
      },
    });

  const clean = (result: CliResult) =>
    assert.deepEqual(credentialLeaks(result.stdout + result.stderr, clientSecret, clientId), []);

  for (const [path, extra] of [
    ['in process', []],
    ['through the script in pm-oauth2 run', ['--in-sandbox']],
  ] as const) {
    describe(path, () => {
      it('HTTP_PROXY: one token request and every API request pass the proxy', async () => {
        const { result, seen } = await through(() => run(servers.auth.tokenUrl, [...extra], { HTTP_PROXY: proxy.url }));
        assert.equal(result.code, 0, result.stdout + result.stderr);
        assert.deepEqual(seen, [`POST ${servers.auth.tokenUrl}`, `GET ${base}/one`, `GET ${base}/two`]);
        assert.doesNotMatch(result.stderr, /not in process/, 'the path is not changed by a proxy');
        clean(result);
      });

      it('HTTPS_PROXY: an https token endpoint demanding a client certificate, through a CONNECT tunnel, with the CA and certificate given', async () => {
        const clients = mutual.clients.length;
        const { result, seen } = await through(() =>
          run(`${mutual.url}/token`, [...extra, '--ssl-extra-ca-certs', CA, ...CLIENT_CERT], {
            HTTPS_PROXY: proxy.url,
            HTTP_PROXY: proxy.url,
          }),
        );
        assert.equal(result.code, 0, result.stdout + result.stderr);
        assert.deepEqual(seen, [`CONNECT ${new URL(mutual.url).host}`, `GET ${base}/one`, `GET ${base}/two`]);
        assert.deepEqual(
          mutual.clients.slice(clients),
          ['demo-client'],
          'the client certificate went through the tunnel',
        );
        clean(result);
      });

      it('NO_PROXY: hosts it names bypass the proxy, for the token as for the API', async () => {
        const { result, seen } = await through(() =>
          run(servers.auth.tokenUrl, [...extra], { HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' }),
        );
        assert.equal(result.code, 0, result.stdout + result.stderr);
        assert.deepEqual(seen, []);
      });

      it('a proxy that is down: fails closed, the API sees nothing', async () => {
        const calls = servers.apiCalls(base).length;
        const result = await run(servers.auth.tokenUrl, [...extra], { HTTP_PROXY: 'http://127.0.0.1:1' });
        assert.equal(result.code, 1, result.stdout + result.stderr);
        assert.match(result.stdout, /pm-oauth2: access token/);
        assert.equal(servers.apiCalls(base).length, calls);
        clean(result);
      });
    });
  }

  for (const [version, bin] of Object.entries(PLAIN_NEWMAN_CLI)) {
    it(`plain newman ${version}: the built collection's token request passes the proxy`, async () => {
      const { result, seen } = await through(() =>
        runProcess(
          process.execPath,
          [
            bin,
            'run',
            collectionFile,
            '--env-var',
            `oauth2_token_url=${servers.auth.tokenUrl}`,
            '--env-var',
            `oauth2_client_id=${clientId}`,
            '--env-var',
            `oauth2_client_secret=${clientSecret}`,
            '--reporters',
            'cli',
          ],
          { cwd: dir, env: { ...WITHOUT_PROXY, NO_PROXY: undefined, no_proxy: undefined, HTTP_PROXY: proxy.url } },
        ),
      );
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.deepEqual(seen, [`POST ${servers.auth.tokenUrl}`, `GET ${base}/one`, `GET ${base}/two`]);
    });
  }
});
