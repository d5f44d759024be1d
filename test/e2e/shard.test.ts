import assert from 'node:assert/strict';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_SCRIPT_PATHS, readScripts } from '../../src/generator/build.js';
import { embedScript } from '../../src/generator/embed.js';
import { Reports } from '../../src/runner/reports.js';
import { runJob } from '../../src/runner/run-job.js';
import { mergeVariables } from '../../src/runner/variable-sources.js';
import { runCli } from '../helpers/cli.js';
import { useSuite } from '../helpers/job.js';
import { credentialLeaks } from '../helpers/leaks.js';
import { CLIENTS } from '../helpers/servers.js';
import { junitShape, SPLIT_SUITE_REQUESTS, writeSplitSuite } from '../helpers/split-suite.js';

const get = (name: string, url: string) => ({ name, request: { method: 'GET', url } });

describe('run --shard: n jobs run every request once, and merge-reports makes one run of them', function () {
  this.timeout(120_000);
  const context = useSuite('shard');
  let dir: string;
  let base: string;
  let variables: Record<string, string>;

  before(async () => {
    dir = join(context.dir, 'built');
    base = context.servers.apiBase('shard');
    variables = context.servers.variablesFor(CLIENTS.basic);
    await writeSplitSuite(dir, base);
  });

  const job = async (index: number, total: number, extra: Record<string, unknown> = {}) =>
    runJob({
      collections: [dir],
      environment: undefined,
      terminal: { out: () => {}, err: () => {} },
      inSandbox: false,
      variables: mergeVariables({
        environment: undefined,
        dotenvText: undefined,
        processEnv: {},
        flags: Object.entries(variables).map(([k, v]) => `${k}=${v}`),
      }),
      reports: await Reports.create({ reporters: [], reportDir: join(context.dir, 'unused'), junitFile: undefined }),
      exportEnvironmentFile: undefined,
      timeoutRequestMs: 20_000,
      bail: false,
      iterationCount: undefined,
      env: {},
      newmanOptions: extra,
      shard: { shard: { index, total }, keepWhole: [] },
    });

  it('for n = 1…7: every request exactly once, each folder in one job, one token request per job at most', async () => {
    const paths = () => context.servers.apiCalls(base).map((c) => c.path);
    for (let total = 1; total <= 7; total++) {
      const before = paths().length;
      const tokens = context.servers.auth.tokenRequests();
      for (let index = 1; index <= total; index++) {
        const result = await job(index, total);
        assert.equal(
          result.collections.flatMap((c) => c.outcome.failures).length,
          0,
          `${index}/${total}: ${JSON.stringify(result.collections.map((c) => c.outcome.failures))}`,
        );
        assert.ok(result.tokenStats.count <= 1, `${index}/${total}: ${result.tokenStats.count} token requests`);
      }
      const seen = paths()
        .slice(before)
        .map((p) => p.split('?')[0])
        .sort();
      assert.equal(seen.length, SPLIT_SUITE_REQUESTS, `n=${total}: ${seen.join(' ')}`);
      assert.equal(new Set(seen).size, SPLIT_SUITE_REQUESTS, `n=${total}: a request ran twice`);
      assert.ok(context.servers.auth.tokenRequests() - tokens <= total);
    }
  });

  it('splits by data rows with -d: each row in one job, its iterations on the right rows', async () => {
    const data = join(context.dir, 'rows.json');
    await writeFile(data, JSON.stringify([1, 2, 3, 4, 5].map((n) => ({ row: `r${n}` }))));
    const rowsBase = context.servers.apiBase('rows');
    const rowCollection = join(context.dir, 'rows');
    await mkdir(rowCollection);
    const collection = { info: { name: 'Rows' }, item: [get('one', `${rowsBase}/{{row}}`)] };
    await writeFile(
      join(rowCollection, 'rows.postman_collection.json'),
      JSON.stringify(embedScript(collection as never, await readScripts(DEFAULT_SCRIPT_PATHS)).collection),
    );
    const saved = dir;
    dir = rowCollection;
    try {
      const ran = [];
      for (let index = 1; index <= 2; index++)
        ran.push((await job(index, 2, { iterationData: data })).shard?.ran.map((u) => u.id));
      assert.deepEqual(ran, [
        ['rows#1', 'rows#3', 'rows#5'],
        ['rows#2', 'rows#4'],
      ]);
    } finally {
      dir = saved;
    }
    assert.deepEqual(
      context.servers
        .apiCalls(rowsBase)
        .map((c) => c.path.split('/').pop())
        .sort(),
      ['r1', 'r2', 'r3', 'r4', 'r5'],
    );
  });

  describe('the CLI: shards, then merge-reports', () => {
    const cli = (args: string[]) =>
      runCli(args, {
        cwd: context.dir,
        env: { OAUTH2_CLIENT_SECRET: undefined, HTTP_PROXY: undefined, HTTPS_PROXY: undefined },
      });
    const flags = () => Object.entries(variables).flatMap(([k, v]) => ['--env-var', `${k}=${v}`]);
    const output: string[] = [];

    before(async () => {
      for (const index of [1, 2, 3]) {
        const result = await cli([
          'run',
          dir,
          '--shard',
          `${index}/3`,
          '-r',
          'cli,junit',
          '--report-dir',
          join(context.dir, 'shards', `s${index}`),
          ...flags(),
        ]);
        assert.equal(result.code, 0, result.stdout + result.stderr);
        output.push(result.stdout, result.stderr);
      }
    });

    it('merges three shards into the JUnit a serial run writes (suites, tests and names), one token request per job', async () => {
      const serial = await cli(['run', dir, '-r', 'junit', '--report-dir', join(context.dir, 'serial'), ...flags()]);
      assert.equal(serial.code, 0, serial.stdout + serial.stderr);
      const merged = await cli(['merge-reports', join(context.dir, 'shards'), '--out', join(context.dir, 'merged')]);
      output.push(merged.stdout, merged.stderr);
      assert.equal(merged.code, 0, merged.stdout + merged.stderr);
      assert.match(
        merged.stdout,
        /merge-reports: passed\n\s+shards\s+3 .*\n\s+collections\s+3\n\s+requests\s+17\n\s+failures\s+0\n\s+token requests\s+3 /,
      );
      const [want, got] = await Promise.all([
        readFile(join(context.dir, 'serial', 'junit.xml'), 'utf8'),
        readFile(join(context.dir, 'merged', 'junit.xml'), 'utf8'),
      ]);
      assert.ok(junitShape(want).length > 20);
      assert.deepEqual(junitShape(got), junitShape(want));
      // JUnit keeps one suite per item: the JSON reports show a request run twice.
      const executions = await Promise.all(
        ['orders', 'loose', 'admin'].map(
          async (stem) =>
            (
              JSON.parse(await readFile(join(context.dir, 'merged', `${stem}.json`), 'utf8')) as {
                run: { executions: unknown[] };
              }
            ).run.executions.length,
        ),
      );
      assert.deepEqual(executions, [8, 4, 5]);
    });

    it("leaves nothing secret in a shard's files, the merged reports or any output", async () => {
      const texts = [...output];
      for (const folder of ['shards/s1', 'shards/s2', 'shards/s3', 'merged']) {
        for (const file of await readdir(join(context.dir, folder)))
          texts.push(await readFile(join(context.dir, folder, file), 'utf8'));
      }
      assert.ok(texts.length > 10);
      assert.deepEqual(
        texts.flatMap((t) => credentialLeaks(t, CLIENTS.basic.clientSecret, CLIENTS.basic.clientId)),
        [],
      );
    });

    it('fails the merge, naming the shard, when one is missing or there twice, and writes nothing', async () => {
      await rm(join(context.dir, 'shards-gap'), { recursive: true, force: true });
      await mkdir(join(context.dir, 'shards-gap'));
      for (const s of ['s1', 's3'])
        await cp(join(context.dir, 'shards', s), join(context.dir, 'shards-gap', s), { recursive: true });
      const missing = await cli([
        'merge-reports',
        join(context.dir, 'shards-gap'),
        '--out',
        join(context.dir, 'merged-gap'),
      ]);
      assert.equal(missing.code, 2, missing.stdout + missing.stderr);
      assert.match(missing.stderr, /shard 2\/3 is missing: no pm-oauth2-shard\.json for it/);
      const twice = await cli([
        'merge-reports',
        join(context.dir, 'shards'),
        join(context.dir, 'shards-gap'),
        '--out',
        join(context.dir, 'merged-gap'),
      ]);
      assert.equal(twice.code, 2);
      assert.match(twice.stderr, /shard 1\/3 is there 2 times/);
      await assert.rejects(readdir(join(context.dir, 'merged-gap')), /ENOENT/, 'nothing written');
    });
  });
});
