// `pm-oauth2 init` in a repository that already holds Postman exports and its own files: writes what
// is missing, never overwrites, shows the plan with --dry-run, and writes nothing when it cannot.
import assert from 'node:assert/strict';
import { chmod, cp, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runCli } from '../helpers/cli.js';

const PACKAGE_JSON = `{
    "name": "orders-api",
    "version": "1.0.0",
    "scripts": {
        "test:api": "echo our own"
    }
}
`;

/** Every file below a folder, with its content. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      files[path.slice(dir.length + 1)] = await readFile(path, 'utf8');
    }
  }
  return files;
}

describe('pm-oauth2 init', function () {
  this.timeout(30_000);
  let project: string;

  beforeEach(async () => {
    project = await mkdtemp(join(tmpdir(), 'pm-oauth2-init-'));
    await mkdir(join(project, 'postman'));
    await cp(
      'collections/two-profiles.postman_collection.json',
      join(project, 'postman/orders.postman_collection.json'),
    );
    await writeFile(join(project, 'package.json'), PACKAGE_JSON);
    await writeFile(join(project, '.gitignore'), 'node_modules\nbuild\n');
    await writeFile(join(project, 'pm-oauth2.config.json'), JSON.stringify({ folderProfiles: { Admin: 'admin' } }));
  });
  afterEach(() => rm(project, { recursive: true, force: true }));

  it('--dry-run shows the plan and writes nothing', async () => {
    const before = await snapshot(project);
    const result = await runCli(['init', '--dry-run'], { cwd: project });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /dry run: nothing is written/);
    assert.match(result.stdout, /\+ environments\/qa\.postman_environment\.json/);
    assert.match(result.stdout, /~ package\.json\s+add scripts collection:build and pm-oauth2 as a dev dependency/);
    assert.deepEqual(await snapshot(project), before);
  });

  it('writes what is missing, keeps what exists, and finds the collections folder', async () => {
    const result = await runCli(['init'], { cwd: project });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /= postman\/\s+the collections to build/);
    assert.match(result.stdout, /= pm-oauth2\.config\.json\s+exists, kept as it is/);
    assert.match(result.stdout, /your exports in postman\/ are built as they are; put the token URL/);
    assert.doesNotMatch(result.stdout, /put your Postman exports in/);
    assert.match(
      result.stdout,
      /Next:[\s\S]*npm install[\s\S]*OAUTH2_CLIENT_SECRET=… OAUTH2_ADMIN_CLIENT_SECRET=… npm run test:api -- --env dev {3}# builds postman\/, then runs it/,
    );

    const pkg = await readFile(join(project, 'package.json'), 'utf8');
    assert.match(pkg, /^ {4}"name": "orders-api"/m, 'the indentation is kept');
    const scripts = JSON.parse(pkg) as { scripts: Record<string, string>; devDependencies: Record<string, string> };
    assert.equal(scripts.scripts['test:api'], 'echo our own', 'an existing script is not overwritten');
    assert.equal(scripts.scripts['collection:build'], 'pm-oauth2 build postman --out build/collections');
    assert.match(scripts.devDependencies['pm-oauth2'] ?? '', /^\^\d+\.\d+\.\d+/);
    assert.equal(
      await readFile(join(project, '.gitignore'), 'utf8'),
      'node_modules\nbuild\n# pm-oauth2\nreports/\n.env\n',
    );
    assert.equal(
      await readFile(join(project, 'pm-oauth2.config.json'), 'utf8'),
      JSON.stringify({ folderProfiles: { Admin: 'admin' } }),
    );

    for (const name of ['local', 'dev', 'qa', 'uat', 'prod']) {
      const environment = JSON.parse(
        await readFile(join(project, `environments/${name}.postman_environment.json`), 'utf8'),
      ) as { name: string; values: Array<{ key: string; value: string; type: string }> };
      assert.equal(environment.name, name);
      const secrets = environment.values.filter((v) => v.type === 'secret');
      assert.deepEqual(
        secrets.map((v) => [v.key, v.value]),
        [
          ['oauth2_client_secret', ''],
          ['oauth2_admin_client_secret', ''],
        ],
      );
      assert.ok(
        environment.values.some((v) => v.key === 'oauth2_admin_client_id'),
        'each profile gets its client id',
      );
    }

    const workflow = parse(await readFile(join(project, '.github/workflows/api-tests.yml'), 'utf8')) as {
      jobs: {
        'api-tests': {
          strategy: { matrix: { environment: string[] } };
          steps: Array<{ run?: string; env?: Record<string, string> }>;
        };
      };
    };
    const job = workflow.jobs['api-tests'];
    assert.deepEqual(job.strategy.matrix.environment, ['dev', 'qa', 'uat', 'prod']);
    const runStep = job.steps.find((s) => s.run?.includes('npx pm-oauth2 run'));
    assert.deepEqual(Object.keys(runStep?.env ?? {}), ['OAUTH2_CLIENT_SECRET', 'OAUTH2_ADMIN_CLIENT_SECRET']);
    assert.match(runStep?.run ?? '', /--reporters cli,junit/);
    assert.ok(job.steps.some((s) => s.run === 'npx pm-oauth2 build postman --out build/collections'));
    const gitlab = parse(await readFile(join(project, '.gitlab-ci.yml'), 'utf8')) as {
      'api-tests': { script: string[]; artifacts: { reports: { junit: string } } };
    };
    assert.ok(
      gitlab['api-tests'].script.some((line) =>
        line.startsWith('npx pm-oauth2 run build/collections --env "$TARGET_ENV"'),
      ),
    );
    assert.equal(gitlab['api-tests'].artifacts.reports.junit, 'reports/junit-$TARGET_ENV.xml');
  });

  it('--shards 4: every environment in four shard jobs and a merge job, in GitHub Actions and GitLab', async () => {
    const result = await runCli(['init', '--shards', '4'], { cwd: project });
    assert.equal(result.code, 0, result.stderr);
    type Step = { run?: string; uses?: string; with?: Record<string, string> };
    type Job = { needs?: string; if?: string; strategy: { matrix: Record<string, string[]> }; steps: Step[] };
    const github = parse(await readFile(join(project, '.github/workflows/api-tests.yml'), 'utf8')) as {
      jobs: Record<string, Job>;
    };
    const shards = github.jobs['api-tests'];
    const merge = github.jobs['merge-reports'];
    assert.deepEqual(shards?.strategy.matrix['shard'], ['1/4', '2/4', '3/4', '4/4']);
    assert.deepEqual(shards?.strategy.matrix['environment'], ['dev', 'qa', 'uat', 'prod']);
    assert.match(
      shards?.steps.map((s) => s.run ?? '').join('\n') ?? '',
      /npx pm-oauth2 run build\/collections --env \$\{\{ matrix\.environment \}\} --shard \$\{\{ matrix\.shard \}\} --reporters cli --report-dir reports\/shard/,
    );
    assert.equal(merge?.needs, 'api-tests');
    assert.equal(merge?.if, 'always()');
    assert.ok(merge?.steps.some((s) => s.run === 'npx pm-oauth2 merge-reports shards/ --out reports/'));
    assert.equal(
      merge?.steps.find((s) => s.uses?.startsWith('actions/download-artifact'))?.with?.['pattern'],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template
      'shard-${{ matrix.environment }}-*',
    );
    const gitlab = parse(await readFile(join(project, '.gitlab-ci.yml'), 'utf8')) as Record<
      string,
      { parallel?: { matrix: Array<Record<string, string[]>> }; script?: string[]; rules?: object[] }
    >;
    assert.deepEqual(gitlab['api-tests']?.parallel?.matrix[0]?.['SHARD'], ['1/4', '2/4', '3/4', '4/4']);
    assert.match(
      gitlab['api-tests']?.script?.join('\n') ?? '',
      /--shard "\$SHARD" --reporters cli --report-dir "reports\/\$TARGET_ENV\/shard-\$\{SHARD%%\/\*\}"/,
    );
    assert.deepEqual(gitlab['api-tests-report']?.rules, [
      { if: '$CI_PIPELINE_SOURCE == "schedule" || $CI_PIPELINE_SOURCE == "web"', when: 'always' },
    ]);
    assert.match(
      gitlab['api-tests-report']?.script?.join('\n') ?? '',
      /merge-reports "reports\/\$TARGET_ENV" --out "merged\/\$TARGET_ENV"/,
    );
    assert.equal((await runCli(['init', '--shards', '0', '--dry-run'], { cwd: project })).code, 2);
  });

  it('--federated: the jobs sign in with their own ID token — id-token: write and the source, no secret — with or without shards', async () => {
    type Step = { run?: string; env?: Record<string, string> };
    type Job = { permissions?: Record<string, string>; steps: Step[] };
    type GitlabJob = {
      id_tokens?: Record<string, { aud: string }>;
      variables?: Record<string, string>;
      script: string[];
    };
    for (const shards of ['1', '3']) {
      await rm(join(project, '.github'), { recursive: true, force: true });
      await rm(join(project, '.gitlab-ci.yml'), { force: true });
      const result = await runCli(['init', '--federated', '--shards', shards], { cwd: project });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /register a federated credential/);
      assert.doesNotMatch(result.stdout, /to the secret store/);
      const text = await readFile(join(project, '.github/workflows/api-tests.yml'), 'utf8');
      assert.doesNotMatch(text, /secrets\./, 'no secret is read from the store');
      const github = parse(text) as { jobs: Record<string, Job> };
      const job = github.jobs['api-tests'];
      assert.equal(job?.permissions?.['id-token'], 'write', `--shards ${shards}`);
      const runStep = job?.steps.find((s) => s.run?.includes('npx pm-oauth2 run'));
      assert.deepEqual(runStep?.env, { OAUTH2_CLIENT_AUTH: 'federated', OAUTH2_FEDERATED_SOURCE: 'github' });
      if (shards !== '1')
        assert.equal(github.jobs['merge-reports']?.permissions?.['id-token'], undefined, 'the merge needs no token');
      const gitlab = parse(await readFile(join(project, '.gitlab-ci.yml'), 'utf8')) as Record<string, GitlabJob>;
      const tests = gitlab['api-tests'];
      assert.deepEqual(tests?.id_tokens, { PM_OAUTH2_ID_TOKEN: { aud: 'api://AzureADTokenExchange' } });
      assert.deepEqual(tests?.variables, {
        OAUTH2_CLIENT_AUTH: 'federated',
        OAUTH2_FEDERATED_SOURCE: 'env:PM_OAUTH2_ID_TOKEN',
      });
    }
  });

  it('the CI jobs start on demand or on a schedule, not on every push while the environment files are empty', async () => {
    for (const shards of ['1', '3']) {
      await rm(join(project, '.github'), { recursive: true, force: true });
      await rm(join(project, '.gitlab-ci.yml'), { force: true });
      assert.equal((await runCli(['init', '--shards', shards], { cwd: project })).code, 0);
      const github = parse(await readFile(join(project, '.github/workflows/api-tests.yml'), 'utf8')) as {
        on: Record<string, unknown>;
      };
      assert.deepEqual(Object.keys(github.on), ['workflow_dispatch', 'schedule'], `--shards ${shards}`);
      const gitlab = parse(await readFile(join(project, '.gitlab-ci.yml'), 'utf8')) as Record<
        string,
        { rules?: Array<{ if?: string }> }
      >;
      assert.equal(
        gitlab['api-tests']?.rules?.[0]?.if,
        '$CI_PIPELINE_SOURCE == "schedule" || $CI_PIPELINE_SOURCE == "web"',
        `--shards ${shards}`,
      );
    }
  });

  it('in a fresh repository: a .gitignore with node_modules/, and where to put the exports', async () => {
    await rm(join(project, '.gitignore'));
    await rm(join(project, 'postman'), { recursive: true });
    const result = await runCli(['init'], { cwd: project });
    assert.equal(result.code, 0, result.stderr);
    assert.match(await readFile(join(project, '.gitignore'), 'utf8'), /^node_modules\/$/m);
    assert.match(result.stdout, /put your Postman exports in collections\/, and the token URL/);
  });

  it('in a package of a monorepo: says that CI reads its files only at the repository root, and what to change there', async () => {
    const repository = await mkdtemp(join(tmpdir(), 'pm-oauth2-monorepo-'));
    try {
      const pkg = join(repository, 'packages', 'api');
      await mkdir(join(repository, '.git'), { recursive: true });
      await mkdir(join(pkg, 'postman'), { recursive: true });
      await writeFile(join(pkg, 'package.json'), PACKAGE_JSON);
      const result = await runCli(['init', '--dry-run'], { cwd: pkg });
      assert.equal(result.code, 0, result.stderr);
      const text = result.stdout.replace(/\s+/g, ' ');
      assert.match(
        text,
        /! this package is in the repository at .*pm-oauth2-monorepo-\w+ \(as packages\/api\/\): GitHub reads workflows only from .*\.github\/workflows/,
      );
      assert.match(text, /working-directory: packages\/api/);
      // At a repository's root, nothing to say.
      await mkdir(join(project, '.git'));
      assert.doesNotMatch((await runCli(['init', '--dry-run'], { cwd: project })).stdout, /is in the repository at/);
    } finally {
      await rm(repository, { recursive: true, force: true });
    }
  });

  it('a second init writes nothing', async () => {
    assert.equal((await runCli(['init'], { cwd: project })).code, 0);
    const before = await snapshot(project);
    const again = await runCli(['init'], { cwd: project });
    assert.equal(again.code, 0);
    assert.match(again.stdout, /0 written, 11 kept/);
    assert.deepEqual(await snapshot(project), before);
  });

  it('a package.json it cannot read: exit 2, it says so, and nothing is written', async () => {
    await writeFile(join(project, 'package.json'), '{ "name": ');
    const before = await snapshot(project);
    const result = await runCli(['init'], { cwd: project });
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /package\.json: not JSON .* — fix it, then run pm-oauth2 init again; nothing was written/,
    );
    assert.deepEqual(await snapshot(project), before);
  });

  it("edits a linked package.json through its link and keeps each file's mode; a read-only one stops init before anything is written", async () => {
    await mkdir(join(project, 'shared'));
    await writeFile(join(project, 'shared/package.json'), PACKAGE_JSON);
    await rm(join(project, 'package.json'));
    await symlink('shared/package.json', join(project, 'package.json'));
    await chmod(join(project, '.gitignore'), 0o664);
    const result = await runCli(['init'], { cwd: project });
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.ok((await lstat(join(project, 'package.json'))).isSymbolicLink(), 'package.json is still a link');
    assert.match(
      await readFile(join(project, 'shared/package.json'), 'utf8'),
      /"collection:build"/,
      'the linked file was edited',
    );
    assert.equal((await stat(join(project, '.gitignore'))).mode & 0o777, 0o664, '.gitignore keeps its mode');
    assert.match(await readFile(join(project, '.gitignore'), 'utf8'), /# pm-oauth2/);

    const locked = await mkdtemp(join(tmpdir(), 'pm-oauth2-init-ro-'));
    await writeFile(join(locked, 'package.json'), PACKAGE_JSON);
    await chmod(join(locked, 'package.json'), 0o444);
    const before = await snapshot(locked);
    const refused = await runCli(['init'], { cwd: locked });
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(
      refused.stderr,
      /package\.json is read-only \(mode 444\), so init changes nothing — make it writable and run init again/,
    );
    assert.deepEqual(await snapshot(locked), before, 'nothing was written');
    assert.equal((await stat(join(locked, 'package.json'))).mode & 0o777, 0o444);
    await rm(locked, { recursive: true, force: true });
  });
});
