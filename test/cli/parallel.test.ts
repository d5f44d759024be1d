import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, WITHOUT_PROXY, type CliResult } from '../helpers/cli.js';
import { useSuite } from '../helpers/job.js';
import { credentialLeaks } from '../helpers/leaks.js';
import { CLIENTS } from '../helpers/servers.js';
import { MARK_VARIABLE, markedProcesses } from '../helpers/marked-processes.js';
import { WORKER_ENV } from '../../src/runner/parallel/messages.js';
import { junitShape, SPLIT_SUITE_REQUESTS, writeSplitSuite } from '../helpers/split-suite.js';

describe('run --parallel N: workers side by side, one token for them all, one set of reports', function () {
  this.timeout(120_000);
  const context = useSuite('parallel');
  let dir: string;
  let base: string;

  before(async () => {
    dir = join(context.dir, 'built');
    base = context.servers.apiBase('par');
    await writeSplitSuite(dir, base);
  });

  const run = (
    args: string[],
    client: { clientId: string; clientSecret: string } = CLIENTS.basic,
    env: NodeJS.ProcessEnv = {},
  ): Promise<CliResult> => {
    const variables = context.servers.variablesFor({ ...CLIENTS.basic, ...client });
    return runCli(['run', dir, ...Object.entries(variables).flatMap(([k, v]) => ['--env-var', `${k}=${v}`]), ...args], {
      cwd: context.dir,
      env: { ...WITHOUT_PROXY, OAUTH2_CLIENT_SECRET: undefined, ...env },
    });
  };

  it("runs every request once with one token request for the job, prints each collection as one block, and writes the serial run's JUnit", async () => {
    const [calls, tokens] = [context.servers.apiCalls(base).length, context.servers.auth.tokenRequests()];
    const result = await run(['--parallel', '3', '-r', 'cli,junit,json', '--report-dir', join(context.dir, 'par')]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(context.servers.auth.tokenRequests() - tokens, 1, 'one token request for three workers');
    const paths = context.servers
      .apiCalls(base)
      .slice(calls)
      .map((c) => c.path.split('?')[0]);
    assert.equal(paths.length, SPLIT_SUITE_REQUESTS);
    assert.equal(new Set(paths).size, SPLIT_SUITE_REQUESTS);
    assert.match(
      result.stdout,
      /pm-oauth2 run: passed\n\s+environment\s+\(none\)\n\s+workers\s+3\n\s+collections\s+3\n\s+requests\s+17\n\s+failures\s+0\n\s+token requests\s+1 /,
    );
    // Each block holds its own collection's requests only: no worker's lines inside another's.
    for (const block of result.stdout.split(/\n(?=▶ )/).filter((b) => b.startsWith('▶ '))) {
      const stem = /^▶ (\w+)/.exec(block)?.[1]?.toLowerCase();
      const urls = [...block.matchAll(/GET \S+\/api\/par\d+\/([a-z]+)\//g)].map((m) => m[1]);
      assert.ok(stem && urls.length, block);
      assert.deepEqual(new Set(urls), new Set([stem]), block);
    }
    const serial = await run(['-r', 'junit', '--report-dir', join(context.dir, 'serial')]);
    assert.equal(serial.code, 0, serial.stderr);
    const [want, got] = await Promise.all(
      ['serial', 'par'].map((d) => readFile(join(context.dir, d, 'junit.xml'), 'utf8')),
    );
    assert.deepEqual(junitShape(got ?? ''), junitShape(want ?? ''));
    assert.deepEqual((await readdir(join(context.dir, 'par'))).sort(), [
      'admin.json',
      'junit.xml',
      'loose.json',
      'orders.json',
    ]);
  });

  it('keeps the 401 replay: a token revoked mid-run is replaced once for all workers, the request goes again, the run passes', async () => {
    const path = `${new URL(base).pathname}/orders/F3/0`;
    const calls = context.servers.apiCalls(base).length;
    context.servers.api.revokeWhen = (p) =>
      p === path && !context.servers.api.calls.slice(calls).some((c) => c.path === p);
    const tokens = context.servers.auth.tokenRequests();
    try {
      const result = await run(['--parallel', '2', '-r', 'cli', '--report-dir', join(context.dir, 'revoked')]);
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.equal(context.servers.auth.tokenRequests() - tokens, 2, 'the first token and its one replacement');
      const seen = context.servers.apiCalls(base).slice(calls);
      assert.deepEqual(
        seen.filter((c) => c.path === path).map((c) => c.status),
        [401, 200],
      );
      assert.equal(
        new Set(seen.filter((c) => c.status === 200).map((c) => c.path.split('?')[0])).size,
        SPLIT_SUITE_REQUESTS,
      );
    } finally {
      context.servers.api.revokeWhen = undefined;
    }
  });

  it('fails closed in every worker on a wrong secret, asks the token endpoint as often as one serial job does, and prints no secret', async () => {
    const wrong = { clientId: CLIENTS.basic.clientId, clientSecret: 'wrong "secret" +/=:&% é' };
    const tokens = context.servers.auth.tokenRequests();
    const serial = await run(['-r', 'cli', '--report-dir', join(context.dir, 'wrong-serial')], wrong);
    const serialAsks = context.servers.auth.tokenRequests() - tokens;
    const calls = context.servers.apiCalls(base).length;
    const result = await run(['--parallel', '3', '-r', 'cli,junit', '--report-dir', join(context.dir, 'wrong')], wrong);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.equal(
      context.servers.auth.tokenRequests() - tokens - serialAsks,
      serialAsks,
      'the breaker holds for all workers',
    );
    assert.equal(context.servers.apiCalls(base).length, calls, 'the API got nothing');
    const junit = await readFile(join(context.dir, 'wrong', 'junit.xml'), 'utf8');
    assert.equal(
      [...junit.matchAll(/<testcase name="pm-oauth2: access token"/g)].length,
      SPLIT_SUITE_REQUESTS,
      junit.slice(0, 2000),
    );
    assert.match(result.stdout, /failures\s+17/);
    const texts = [result.stdout, result.stderr, serial.stdout, junit];
    assert.deepEqual(
      texts.flatMap((t) => credentialLeaks(t, wrong.clientSecret, wrong.clientId)),
      [],
    );
  });

  it('fails the run when a worker dies mid-run: says which, exits 1, writes no report that looks complete, leaves no worker running', async () => {
    const mark = `crash-${process.pid}-${Date.now()}`;
    const killed: number[] = [];
    let killing: Promise<void> | undefined;
    // At the job's first API request every worker is still busy: kill one of them, as an OOM kill would.
    context.servers.api.revokeWhen = () => {
      killing ??= markedProcesses(mark, { [WORKER_ENV]: '1' }).then(([pid]) => {
        if (pid) killed.push(pid);
        if (pid) process.kill(pid, 'SIGKILL');
      });
      return false;
    };
    try {
      const result = await run(
        ['--parallel', '2', '-r', 'cli,junit,json', '--report-dir', join(context.dir, 'crashed')],
        CLIENTS.basic,
        { [MARK_VARIABLE]: mark },
      );
      await killing;
      assert.equal(killed.length, 1, 'a worker was found and killed');
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.match(
        result.stdout + result.stderr,
        /worker [12] ended without finishing \(signal SIGKILL\): its part of the suite has no result/,
      );
      assert.match(result.stdout, /pm-oauth2 run: FAILED\n[\s\S]*failures\s+1\n/);
      assert.deepEqual(
        await readdir(join(context.dir, 'crashed')).catch(() => []),
        [],
        'no merged report from part of the suite',
      );
      assert.deepEqual(await markedProcesses(mark), []);
    } finally {
      context.servers.api.revokeWhen = undefined;
    }
  });

  it('refuses what cannot be joined from several workers, before anything runs', async () => {
    for (const [args, why] of [
      [['--in-sandbox'], /--in-sandbox fetches a token in each worker/],
      [['--shard', '1/2'], /use one of them/],
      [['--export-environment', 'e.json'], /each worker ends with its own environment/],
      [['-r', 'htmlextra'], /htmlextra report cannot be joined/],
    ] as const) {
      const calls = context.servers.apiCalls(base).length;
      const result = await run(['--parallel', '2', ...args]);
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.match(result.stderr, why);
      assert.equal(context.servers.apiCalls(base).length, calls);
    }
    assert.match((await run(['--parallel', '0'])).stderr, /--parallel takes a number of workers from 1 to 64, not 0/);
  });
});
