// What a new user meets first: --version, mistakes on the command line, the pasteable script, the
// demo from any folder, and the local servers — each answered with what to do, and the right exit.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SCRIPT_PATHS } from '../../src/generator/build.js';
import { runCli, WITHOUT_PROXY } from '../helpers/cli.js';
import { runProcess } from '../helpers/process.js';

const BIN = new URL('../../bin/pm-oauth2.js', import.meta.url).pathname;
const ENVIRONMENT = { name: 'qa', values: [{ key: 'oauth2_client_id', value: 'x', type: 'default', enabled: true }] };

describe('first use of the CLI', function () {
  this.timeout(60_000);
  let project: string;

  before(async () => {
    project = await mkdtemp(join(tmpdir(), 'pm-oauth2-first-'));
    await mkdir(join(project, 'environments'));
    for (const name of ['qa', 'dev'])
      await writeFile(
        join(project, `environments/${name}.postman_environment.json`),
        JSON.stringify({ ...ENVIRONMENT, name }),
      );
    await writeFile(join(project, 'package.json'), '{ "private": true }');
  });
  after(() => rm(project, { recursive: true, force: true }));

  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runCli(args, {
      cwd: project,
      env: {
        ...WITHOUT_PROXY,
        OAUTH2_TOKEN_URL: undefined,
        OAUTH2_CLIENT_ID: undefined,
        OAUTH2_CLIENT_SECRET: undefined,
        ...env,
      },
    });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const result = await cli([flag]);
      assert.equal(result.code, 0);
      assert.equal(result.stdout.trim(), version);
    }
  });

  it('an unknown command is named as one, with the list (exit 2)', async () => {
    const result = await cli(['frob']);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /unknown command "frob" — the commands are init, build, run, merge-reports, doctor, decode, script, dpop-key, demo, servers/,
    );
  });

  it('a port that is not one, and demo --env of another environment, are usage errors (exit 2), not crashes', async () => {
    for (const port of ['99999', 'abc', '-1']) {
      const result = await cli(['servers', '--auth-port', port]);
      assert.equal(result.code, 2, result.stderr);
      assert.match(
        result.stderr,
        /USAGE.*--auth-port takes a port from 1 to 65535 \(0: any free one\), not (99999|a word|-1) — leave it out for 4010/,
      );
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    }
    const demo = await cli(['demo', '--env', 'dev']);
    assert.equal(demo.code, 2, demo.stderr);
    assert.match(demo.stderr, /demo runs its samples against its own local servers.*pm-oauth2 run --env dev/);
  });

  it('inputs that cannot be used exit 2, nothing ran: a missing collection, an environment passed as a collection', async () => {
    const missing = await cli(['run', 'nope.postman_collection.json']);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /INPUT_UNREADABLE.*nope\.postman_collection\.json: does not exist/);
    const swapped = await cli(['run', 'environments/qa.postman_environment.json']);
    assert.equal(swapped.code, 2, swapped.stderr);
    assert.match(swapped.stderr, /a Postman environment, not a collection — pass it to pm-oauth2 run --env/);
  });

  it('-n 0 and --env without a value are usage errors; an unknown environment lists the known ones', async () => {
    const zero = await cli(['run', '-n', '0', '--env', 'qa']);
    assert.equal(zero.code, 2);
    assert.match(zero.stderr, /-n\/--iteration-count takes a whole number ≥ 1, not 0/);
    for (const args of [
      ['run', '--env'],
      ['doctor', '-e'],
    ]) {
      const empty = await cli(args);
      assert.equal(empty.code, 2, args.join(' '));
      assert.match(empty.stderr, /--env needs a value: an environment name \(environments\/ has dev, qa\) or a file/);
    }
    const unknown = await cli(['run', '--env', 'staging']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no environment is named "staging"; environments\/ has dev, qa/);
  });

  it('no --env and an incomplete configuration: suggests --env with the names', async () => {
    await mkdir(join(project, 'collections'), { recursive: true });
    await writeFile(
      join(project, 'collections/one.postman_collection.json'),
      JSON.stringify({
        info: { name: 'one', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
        item: [{ name: 'r', request: { url: 'http://127.0.0.1:9/x' } }],
      }),
    );
    const result = await cli(['run']);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /oauth2_token_url is not set[\s\S]*no --env was given \(environments\/ has dev, qa\): pass --env <name>/,
    );
  });

  it('decode: empty input says no token was given; a reader that closes the pipe early is no crash', async () => {
    const empty = await runCli(['decode', '-'], { input: '' });
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /no token given on standard input/);
    const b64 = (json: object) => Buffer.from(JSON.stringify(json)).toString('base64url');
    const token = `${b64({ alg: 'none' })}.${b64({ sub: 'x', iat: 1, nbf: 1, exp: 2_000_000_000 })}.c2ln`;
    const piped = await runProcess(
      'bash',
      ['-c', `set -o pipefail; printf %s "$TOKEN" | "${process.execPath}" "${BIN}" decode - | head -1`],
      { env: { TOKEN: token } },
    );
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stdout, 'header:\n');
    assert.doesNotMatch(piped.stderr, /EPIPE|Unhandled/);
  });

  describe('pm-oauth2 script', () => {
    it('prints the script alone on standard output, the paste instructions on standard error', async () => {
      for (const [args, file] of [
        [[], DEFAULT_SCRIPT_PATHS.secret],
        [['--jwt'], DEFAULT_SCRIPT_PATHS.jwt],
      ] as const) {
        const result = await cli(['script', ...args]);
        assert.equal(result.code, 0);
        assert.equal(result.stdout.trimEnd(), (await readFile(file, 'utf8')).trimEnd());
        assert.match(result.stderr, /Scripts → Pre-request[\s\S]*Bearer Token", Token \{\{oauth2_access_token\}\}/);
      }
    });

    it('--out writes it to a file', async () => {
      const result = await cli(['script', '--out', 'scripts/token.js']);
      assert.equal(result.code, 0);
      assert.equal(result.stdout, '');
      assert.equal(
        await readFile(join(project, 'scripts/token.js'), 'utf8'),
        `${(await readFile(DEFAULT_SCRIPT_PATHS.secret, 'utf8')).trimEnd()}\n`,
      );
    });
  });

  describe('pm-oauth2 dpop-key', () => {
    it('prints a new P-256 private JWK alone on standard output, a different one each time, and what to do with it on standard error', async () => {
      const [a, b] = await Promise.all([cli(['dpop-key']), cli(['dpop-key'])]);
      assert.equal(a?.code, 0);
      const jwk = JSON.parse(a?.stdout ?? '') as JWK;
      assert.deepEqual(
        [jwk.kty, jwk.crv, typeof jwk.d, typeof jwk.x, typeof jwk.y],
        ['EC', 'P-256', 'string', 'string', 'string'],
      );
      assert.equal(jwk.kid, await calculateJwkThumbprint(jwk));
      assert.notEqual(a?.stdout, b?.stdout);
      assert.match(
        a?.stderr ?? '',
        new RegExp(`thumbprint.*${jwk.kid}[\\s\\S]*oauth2_dpop_key, type secret[\\s\\S]*oauth2_dpop=true`),
      );
      assert.ok(!(a?.stderr ?? '').includes(String(jwk.d)));
    });

    it('--out writes it readable by its owner only', async () => {
      const result = await cli(['dpop-key', '--out', 'keys/dpop.json']);
      assert.equal(result.code, 0);
      assert.equal(result.stdout, '');
      const file = join(project, 'keys/dpop.json');
      assert.equal(JSON.parse(await readFile(file, 'utf8')).crv, 'P-256');
      assert.equal((await stat(file)).mode & 0o777, 0o600);
    });
  });

  describe('pm-oauth2 demo, from any folder', () => {
    it("runs the packaged samples, ignores the user's own OAUTH2_* settings and proxy, and writes nothing outside a temporary folder it removes", async () => {
      const anywhere = await mkdtemp(join(tmpdir(), 'pm-oauth2-anywhere-'));
      const temporary = join(anywhere, 'tmp');
      await mkdir(join(anywhere, 'here'));
      await mkdir(temporary);
      await writeFile(join(anywhere, 'here/.env'), 'OAUTH2_SCOPE=not-a-demo-scope\n');
      const result = await runCli(['demo'], {
        cwd: join(anywhere, 'here'),
        limitMs: 50_000,
        env: {
          ...WITHOUT_PROXY,
          TMPDIR: temporary,
          OAUTH2_TOKEN_URL: 'http://127.0.0.1:9/elsewhere',
          OAUTH2_CLIENT_SECRET: 'not-the-demo-secret',
          HTTP_PROXY: 'http://127.0.0.1:9',
        },
      });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(
        result.stdout,
        /pm-oauth2 run: passed\n\s+environment\s+local .*\n\s+collections\s+3\n\s+requests\s+6\n\s+failures\s+0\n\s+token requests\s+2/,
      );
      assert.deepEqual(await readdir(join(anywhere, 'here')), ['.env'], 'nothing written in the current folder');
      assert.deepEqual(await readdir(temporary), [], 'the temporary folder is removed');
      await rm(anywhere, { recursive: true, force: true });
    });

    it('no colour codes in output that is not a terminal (a CI log), unless --color on asks', async () => {
      const ESCAPE = /\u001b\[/;
      const plain = await runCli(['demo'], {
        env: { ...WITHOUT_PROXY, NO_COLOR: undefined, FORCE_COLOR: undefined },
        limitMs: 50_000,
      });
      assert.equal(plain.code, 0, plain.stdout + plain.stderr);
      assert.doesNotMatch(plain.stdout + plain.stderr, ESCAPE);
      const coloured = await runCli(['demo', '--color', 'on'], {
        env: { ...WITHOUT_PROXY, NO_COLOR: undefined, FORCE_COLOR: undefined },
        limitMs: 50_000,
      });
      assert.match(coloured.stdout, ESCAPE, 'the check can see colour codes');
    });

    it("--help shows the demo's own examples, not run's", async () => {
      const result = await cli(['demo', '--help']);
      assert.equal(result.code, 0);
      const help = result.stdout.replace(/\s+/g, ' ');
      assert.match(help, /pm-oauth2 demo -r cli junit --report-dir/);
      assert.match(help, /pm-oauth2 demo --in-sandbox/);
      assert.doesNotMatch(help, /pm-oauth2 run --env qa/);
      // demo takes no collections (it runs its own): its help offers none, and one given is refused.
      assert.doesNotMatch(help, /Positionals|collections \(files or folders\)/);
      const given = await cli(['demo', 'build/collections']);
      assert.equal(given.code, 2);
      assert.match(given.stderr, /Unknown argument: build\/collections/);
      assert.match(
        (await cli(['run', '--help'])).stdout.replace(/\s+/g, ' '),
        /collections built collections \(files or folders\)/,
      );
    });
  });

  describe('pm-oauth2 servers', () => {
    let holder: Server;
    let port: number;
    before(async () => {
      holder = createServer();
      await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
      port = (holder.address() as { port: number }).port;
    });
    after(() => new Promise<void>((resolve) => holder.close(() => resolve())));

    it('a taken port is an error that names it, not a silent move', async () => {
      const result = await cli(['servers', '--auth-port', String(port)]);
      assert.equal(result.code, 2);
      assert.match(
        result.stderr,
        new RegExp(`port ${port} on 127\\.0\\.0\\.1 is taken .* pass --auth-port <a free port>`),
      );
    });

    it('stops when the process that started it is gone (npm killed), freeing the ports', async () => {
      const free = await freePort();
      // The servers under a shell, as npm runs them; the shell is killed without a chance to pass a signal on.
      const shell = await runProcess(
        'bash',
        ['-c', `"${process.execPath}" "${BIN}" servers --auth-port ${free} --api-port 0 & sleep 4; kill -9 $$`],
        { limitMs: 20_000 },
      );
      assert.match(shell.stdout, /Press Ctrl-C to stop/);
      assert.ok(await becomesFree(free, 5_000), `port ${free} is still held after its parent died`);
    });
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function becomesFree(port: number, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    const server = createServer();
    const bound = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (bound) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}
