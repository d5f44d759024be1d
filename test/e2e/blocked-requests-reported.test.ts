// Every request kept from the API is exactly one failing test named `pm-oauth2: access token`, with
// its reason, in JUnit, JSON and the run's failures — whether the in-process auth kept it (a request
// error beside the test, before) or the script skipped it (no JUnit testcase at all, before).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { requests } from '../helpers/collection.js';
import { runBuiltJob, useSuite } from '../helpers/job.js';
import type { TestServers } from '../helpers/servers.js';

const FAILURE_TEST = 'pm-oauth2: access token';
const COUNT = 5;

describe('blocked requests, as the reports count them', function () {
  this.timeout(60_000);
  const suite = useSuite('blocked');

  const causes = [
    ['a refusing token endpoint (then the breaker)', 'invalid-client', /401 invalid_client/],
    ['a token time-out (then the breaker)', 'hang', /timed out/],
  ] as const;
  /** A token call that fails at the transport: Newman counts it as a failed request of its own, beside the test. */
  const refused = (s: TestServers, id: string) => `http://127.0.0.1:${s.closedPort}/token/${id}`;

  for (const inSandbox of [false, true]) {
    for (const [name, scenario, reason] of [
      ...causes,
      ['a refused connection (then the breaker)', 'refused', /ECONNREFUSED/] as const,
    ]) {
      it(`${inSandbox ? '--in-sandbox' : 'in process'}, ${name}: ${COUNT} requests, ${COUNT} failing testcases, nothing else`, async () => {
        const { servers, dir } = suite;
        const base = servers.apiBase('blocked');
        const id = `b${suite.next()}`;
        const test = ["pm.test('200 OK', () => pm.response.to.have.status(200));"];
        const item = requests(COUNT, base).map((r) => ({
          name: r.name,
          request: { method: 'GET', url: r.url },
          event: [{ listen: 'test', script: { exec: test } }],
        }));
        const variables = {
          oauth2_token_url: scenario === 'refused' ? refused(servers, id) : `${servers.faults.url}/${scenario}/${id}`,
          oauth2_client_id: 'c',
          oauth2_client_secret: 'blocked-secret',
          oauth2_token_timeout: '1',
        };
        const { result } = await runBuiltJob(dir, { info: { name: id }, item }, variables, {
          inSandbox,
          reporters: ['junit', 'json'],
        });
        assert.equal(servers.apiCalls(base).length, 0);
        const failures = result.collections.flatMap((c) => c.outcome.failures);
        assert.deepEqual(
          failures.map((f) => f.source),
          requests(COUNT, base).map((r) => `${r.name} › ${FAILURE_TEST}`),
        );
        for (const f of failures) assert.match(f.message, reason);

        const junit = await readFile(result.files.find((f) => f.endsWith('junit.xml')) ?? '', 'utf8');
        const testcases = [...junit.matchAll(/<testcase name="([^"]*)"[^>]*>\s*<failure[^>]*message="([^"]*)"/g)];
        assert.deepEqual(
          testcases.map((t) => t[1]),
          Array(COUNT).fill(FAILURE_TEST),
          junit,
        );
        for (const t of testcases) assert.match(t[2] ?? '', reason);
        assert.equal(
          [...junit.matchAll(/<testcase /g)].length,
          COUNT,
          "no other testcase (the user's tests are skipped for a blocked request)",
        );
        assert.doesNotMatch(junit, /errors="[1-9]|Invalid protocol/, 'no request error beside the failing test');

        const json = JSON.parse(await readFile(result.files.find((f) => f.endsWith('.json')) ?? '', 'utf8')) as {
          run: { failures: Array<{ error: { test?: string } }>; executions: unknown[] };
        };
        assert.deepEqual(
          json.run.failures.map((f) => f.error.test),
          Array(COUNT).fill(FAILURE_TEST),
        );
        assert.equal(json.run.executions.length, COUNT);
      });
    }
  }
});
