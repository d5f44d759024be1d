// pm-oauth2 as a team adds it: the packed tarball (what `npm publish` would ship, nothing else of
// this repository) installed into an empty project that holds a Postman export, then the README's
// "in your own repository" path — init, the npm scripts init wrote, script, demo and run — against
// the embedded servers. The tarball's dependencies are this checkout's node_modules: the test must
// not reach a registry.
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WITHOUT_PROXY } from '../helpers/cli.js';
import { runProcess } from '../helpers/process.js';
import { CLIENTS, startTestServers, type TestServers } from '../helpers/servers.js';

const REPOSITORY = resolve('.');

describe('a consumer project: the packed package installed into an empty repository', function () {
  this.timeout(120_000);
  let servers: TestServers;
  let work: string;
  let project: string;
  let packaged: string;

  before(async () => {
    servers = await startTestServers();
    work = await mkdtemp(join(tmpdir(), 'pm-oauth2-consumer-'));
    // Packed from what a clean clone has (no dist/: it is built by prepack), not from this checkout.
    const clean = join(work, 'clean-clone');
    const listed = await runProcess('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
      cwd: REPOSITORY,
    });
    assert.equal(listed.code, 0, listed.stderr);
    for (const file of listed.stdout.split('\0').filter(Boolean)) {
      await cp(join(REPOSITORY, file), join(clean, file), { recursive: true }).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error; // listed, but deleted in the working tree
      });
    }
    await symlink(join(REPOSITORY, 'node_modules'), join(clean, 'node_modules'), 'dir');
    const packed = await runProcess('npm', ['pack', '--silent', '--pack-destination', work], {
      cwd: clean,
      limitMs: 120_000,
    });
    assert.equal(packed.code, 0, packed.stderr);
    const tarball = join(work, packed.stdout.trim().split('\n').at(-1) ?? '');
    project = join(work, 'orders-api');
    packaged = join(project, 'node_modules/pm-oauth2');
    await mkdir(packaged, { recursive: true });
    const unpacked = await runProcess('tar', ['-xzf', tarball, '-C', packaged, '--strip-components=1']);
    assert.equal(unpacked.code, 0, unpacked.stderr);
    // What npm install would have put beside it: the dependencies, and the bin link.
    await symlink(join(REPOSITORY, 'node_modules'), join(packaged, 'node_modules'), 'dir');
    await mkdir(join(project, 'node_modules/.bin'));
    await symlink('../pm-oauth2/bin/pm-oauth2.js', join(project, 'node_modules/.bin/pm-oauth2'));
    // The team's repository: a Postman export in a folder of their own naming, and a package.json.
    await mkdir(join(project, 'postman'));
    await cp('collections/demo-api.postman_collection.json', join(project, 'postman/orders.postman_collection.json'));
    await writeFile(
      join(project, 'package.json'),
      `${JSON.stringify({ name: 'orders-api', private: true, devDependencies: { 'pm-oauth2': '^0.1.0' } }, null, 2)}\n`,
    );
  });
  after(async () => {
    await servers.close();
    await rm(work, { recursive: true, force: true });
  });

  const env = {
    ...WITHOUT_PROXY,
    OAUTH2_CLIENT_SECRET: undefined,
    OAUTH2_TOKEN_URL: undefined,
    OAUTH2_CLIENT_ID: undefined,
  };
  const npx = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    runProcess('npx', ['--no', 'pm-oauth2', ...args], { cwd: project, env: { ...env, ...extra }, limitMs: 60_000 });
  const npmRun = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
    runProcess('npm', ['run', '--silent', ...args], { cwd: project, env: { ...env, ...extra }, limitMs: 60_000 });

  it("ships what it needs and nothing of the repository's own", async () => {
    const top = (await readdir(packaged)).filter((name) => name !== 'node_modules').sort();
    assert.deepEqual(top, [
      'README.md',
      'bin',
      'collections',
      'dist',
      'environments',
      'package.json',
      'pm-oauth2.config.json',
    ]);
    const dist = await readdir(join(packaged, 'dist'));
    assert.ok(dist.includes('prerequest.js') && dist.includes('prerequest-jwt.js'));
  });

  it("init, then the npm scripts it wrote, build and run the team's collection against their environment", async () => {
    const init = await npx(['init']);
    assert.equal(init.code, 0, init.stdout + init.stderr);
    assert.match(init.stdout, /= postman\/\s+the collections to build/);
    assert.doesNotMatch(init.stdout, /npm install/, 'pm-oauth2 is a dependency already: only the scripts were added');
    // The user fills in the dev environment, as the next steps say; the secret stays in the secret store.
    const file = join(project, 'environments/dev.postman_environment.json');
    const dev = JSON.parse(await readFile(file, 'utf8')) as {
      values: Array<{ key: string; value: string; type: string; enabled: boolean }>;
    };
    const set = (key: string, value: string) => {
      const entry = dev.values.find((v) => v.key === key);
      if (entry) entry.value = value;
      else dev.values.push({ key, value, type: 'default', enabled: true });
    };
    set('oauth2_token_url', servers.auth.tokenUrl);
    set('oauth2_client_id', CLIENTS.demo.clientId);
    set('oauth2_scope', 'api:read api:write');
    set('oauth2_resource', 'urn:pm-oauth2:demo-api');
    set('api_base_url', servers.api.url);
    await writeFile(file, JSON.stringify(dev, null, 2));

    const build = await npmRun(['collection:build']);
    assert.equal(build.code, 0, build.stdout + build.stderr);
    assert.deepEqual(await readdir(join(project, 'build/collections')), ['orders.postman_collection.json']);

    const before = servers.auth.tokenRequests();
    const run = await npmRun(['test:api', '--', '--env', 'dev', '-r', 'cli,junit'], {
      OAUTH2_CLIENT_SECRET: CLIENTS.demo.clientSecret,
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /pm-oauth2 run: passed\n\s+environment\s+dev/);
    assert.equal(servers.auth.tokenRequests() - before, 1);
    assert.ok(!(run.stdout + run.stderr).includes(CLIENTS.demo.clientSecret));
    assert.deepEqual(await readdir(join(project, 'reports')), ['junit.xml']);
  });

  it('script writes the packaged script', async () => {
    const result = await npx(['script', '--out', 'token.js']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      (await readFile(join(project, 'token.js'), 'utf8')).trimEnd(),
      (await readFile(join(packaged, 'dist/prerequest.js'), 'utf8')).trimEnd(),
    );
  });

  it('demo runs the packaged samples in the project without touching it', async () => {
    const before = (await readdir(project)).sort();
    const result = await npx(['demo'], { OAUTH2_CLIENT_SECRET: "the team's own secret" });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /pm-oauth2 run: passed\n\s+environment\s+local .*\n\s+collections\s+3/);
    assert.deepEqual((await readdir(project)).sort(), before);
  });
});
