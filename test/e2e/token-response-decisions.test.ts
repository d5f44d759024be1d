// Token responses a server should not send, each decided the same way by the script in every engine
// and by pm-oauth2 run in process (the same parseTokenResponse; Node decodes and bounds the body as
// the engines' requester does): a gzip-encoded answer is read, an already-expired JWT, a lifetime
// that is no lifetime, a token no header can carry and an oversized answer are refused, a lifetime
// of years is capped.
import assert from 'node:assert/strict';
import { collectionWithScript, requests } from '../helpers/collection.js';
import { ALL_ENGINES, type Engine } from '../helpers/engines.js';
import { runBuiltJob, useSuite } from '../helpers/job.js';

const FAILURE_TEST = 'pm-oauth2: access token';

/** Each scenario: the API calls it allows, and what the failure or the new-token line says. */
const SCENARIOS: ReadonlyArray<[scenario: string, apiCalls: number, says: RegExp]> = [
  ['gzip', 1, /new token .*300 s from expires_in/],
  ['expires-huge', 1, /new token .*86400 s from expires_in, capped at 24 h/],
  ['expired-jwt', 0, /TOKEN_RESPONSE_INVALID.*already expired \(its exp was 6\d s ago\)/],
  ['expires-negative', 0, /TOKEN_RESPONSE_INVALID.*expires_in -5, which is no lifetime in seconds/],
  [
    'crlf-token',
    0,
    /TOKEN_RESPONSE_INVALID.*a control character \(CR, LF, …\) at position \d+, which no Authorization header can carry/,
  ],
  ['huge', 0, /TOKEN_RESPONSE_INVALID.*more than 1 MiB, which is no token response/],
  [
    '403-empty-post-only',
    0,
    /TOKEN_ERROR_RESPONSE.*answered 403 \(an empty body\)\. Fix: the server gave no reason \(403 without an error code\).*try oauth2_client_auth=client_secret_post; then that the client may use the client credentials grant$/,
  ],
];

describe('token responses taken at their word no more: the same decision in every path', function () {
  this.timeout(60_000);
  const suite = useSuite('decisions');

  const variables = (scenario: string, id: string) => ({
    oauth2_token_url: `${suite.servers.faults.url}/${scenario}/${id}`,
    oauth2_client_id: 'c',
    oauth2_client_secret: 'decision-secret',
  });

  /** pm-oauth2 run in process, as an Engine: what the terminal showed and the run's failures. */
  const inProcess: Engine = async (collection, options = {}) => {
    const { result, lines } = await runBuiltJob(
      suite.dir,
      { ...(collection as object), event: [] },
      { ...options.environment },
    );
    const failures = result.collections
      .flatMap((c) => c.outcome.failures)
      .map((f) => ({ test: f.source.split(' › ').at(-1) ?? '', message: f.message }));
    return { failures, blocked: 0, consoleLines: lines, output: lines.join('\n'), environment: {} };
  };

  for (const [engineName, run] of [...ALL_ENGINES, ['pm-oauth2 run (in process)', inProcess] as [string, Engine]]) {
    describe(engineName, () => {
      for (const [scenario, apiCalls, says] of SCENARIOS) {
        it(`${scenario}: ${apiCalls ? 'used' : 'refused, the API asked nothing'}`, async () => {
          const base = suite.servers.apiBase('decision');
          const id = `d${suite.next()}`;
          const result = await run(collectionWithScript(suite.script, requests(1, base)), {
            environment: variables(scenario, id),
          });
          assert.equal(suite.servers.apiCalls(base).length, apiCalls, result.output.slice(0, 2000));
          if (apiCalls) {
            assert.deepEqual(result.failures, []);
            assert.ok(
              result.consoleLines.some((l) => says.test(l)),
              result.consoleLines.join('\n'),
            );
          } else {
            assert.deepEqual(
              result.failures.map((f) => f.test),
              [FAILURE_TEST],
            );
            assert.match(result.failures[0]?.message ?? '', says);
          }
        });
      }
    });
  }
});
