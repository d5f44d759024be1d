import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTokenConfig } from '../../src/oauth/config.js';
import { isOAuthError } from '../../src/oauth/errors.js';
import { isSecretVariable } from '../../src/oauth/vocabulary.js';
import {
  DEFAULT_FEDERATED_AUDIENCE,
  FederatedAssertions,
  parseFederatedSource,
  withFederatedAssertion,
} from '../../src/runner/federated/assertion-source.js';
import { mergeVariables } from '../../src/runner/variable-sources.js';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (claims: object) => `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}.c2lnbmF0dXJl`;
const NOW = 1_800_000_000_000;

function assertions(
  env: NodeJS.ProcessEnv,
  answer: (url: string) => { status: number; body: string } = () => ({ status: 500, body: '' }),
) {
  const secrets: string[] = [];
  const asked: Array<{ url: string; headers: Record<string, string> }> = [];
  let now = NOW;
  const source = new FederatedAssertions({
    env,
    now: () => now,
    get: async (url, headers) => {
      asked.push({ url, headers });
      return answer(url);
    },
    onSecret: (value) => secrets.push(value),
  });
  return { source, secrets, asked, advance: (ms: number) => (now += ms) };
}

const rejects = async (promise: Promise<unknown>, code: string, message: RegExp) => {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isOAuthError(error), String(error));
    assert.equal(error.code, code);
    assert.match(`${error.message} — ${error.advice}`, message);
    return true;
  });
};

describe('federated client assertions: where pm-oauth2 run reads them', () => {
  it('reads a source as github, env:<VARIABLE> or file:<path>, and names the forms for anything else', () => {
    assert.deepEqual(parseFederatedSource('github'), { kind: 'github' });
    assert.deepEqual(parseFederatedSource(' env:CI_ID_TOKEN '), { kind: 'env', name: 'CI_ID_TOKEN' });
    assert.deepEqual(parseFederatedSource('file:/var/run/secrets/tokens/oidc'), {
      kind: 'file',
      path: '/var/run/secrets/tokens/oidc',
    });
    for (const bad of ['gitlab', 'env:', 'env:1X', 'file:', 'https://x'])
      assert.throws(
        () => parseFederatedSource(bad),
        (e: unknown) =>
          isOAuthError(e) && /oauth2_federated_source is/.test(e.message) && /github, env:<VARIABLE>/.test(e.advice),
      );
  });

  it("github: asks the runner's URL (its own query kept) for the audience with its request token, and hands both secrets to the redactor", async () => {
    const token = jwt({
      iss: 'https://token.actions.githubusercontent.com',
      sub: 'repo:a/b:ref:refs/heads/main',
      exp: NOW / 1000 + 300,
    });
    const { source, secrets, asked } = assertions(
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: 'https://runner.test/idtoken?api-version=2.0',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
      },
      () => ({ status: 200, body: JSON.stringify({ value: token }) }),
    );
    assert.equal(await source.assertion('github', 'api://AzureADTokenExchange'), token);
    assert.equal(
      asked[0]?.url,
      'https://runner.test/idtoken?api-version=2.0&audience=api%3A%2F%2FAzureADTokenExchange',
    );
    assert.equal(asked[0]?.headers['Authorization'], 'bearer request-token');
    assert.deepEqual(secrets, ['request-token', token]);
  });

  it('keeps an assertion until a minute before its exp, then reads it again; one read for requests that ask at once', async () => {
    let serial = 0;
    const { source, asked, advance } = assertions(
      { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://runner.test/idtoken', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' },
      () => ({ status: 200, body: JSON.stringify({ value: jwt({ n: ++serial, exp: NOW / 1000 + 300 * serial }) }) }),
    );
    const [first, same] = await Promise.all([source.assertion('github', 'a'), source.assertion('github', 'a')]);
    assert.equal(first, same);
    advance(230_000);
    assert.equal(await source.assertion('github', 'a'), first, 'still 70 s to its exp');
    advance(20_000);
    assert.notEqual(await source.assertion('github', 'a'), first, 'within a minute of its exp: read again');
    assert.equal(asked.length, 2);
    await source.assertion('github', 'another audience');
    assert.equal(asked.length, 3, 'each audience its own token');
  });

  it('reads env and file sources, the file again as it is rotated', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pm-oauth2-federated-'));
    try {
      const file = join(dir, 'token');
      const first = jwt({ exp: NOW / 1000 + 120 });
      await writeFile(file, `${first}\n`);
      const { source, advance, secrets } = assertions({
        GITLAB_ID_TOKEN: jwt({ sub: 'gitlab', exp: NOW / 1000 + 600 }),
      });
      assert.equal(await source.assertion('env:GITLAB_ID_TOKEN', 'x'), jwt({ sub: 'gitlab', exp: NOW / 1000 + 600 }));
      assert.equal(await source.assertion(`file:${file}`, 'x'), first);
      const rotated = jwt({ exp: NOW / 1000 + 3600 });
      await writeFile(file, rotated);
      advance(61_000);
      assert.equal(await source.assertion(`file:${file}`, 'x'), rotated);
      assert.deepEqual(secrets.length, 3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails closed, saying how to fix it: no GitHub variables, an unset variable, no file, an expired token, not a JWT, a refusal', async () => {
    await rejects(
      assertions({}).source.assertion('github', 'a'),
      'CONFIG_MISSING',
      /ACTIONS_ID_TOKEN_REQUEST_URL .* not set — .*id-token: write/,
    );
    await rejects(
      assertions({}).source.assertion('env:X', 'a'),
      'CONFIG_MISSING',
      /X is not set in the environment .*id_tokens: X/,
    );
    await rejects(assertions({}).source.assertion('file:/nonexistent/token', 'a'), 'CONFIG_MISSING', /no such file/);
    await rejects(
      assertions({ X: jwt({ exp: NOW / 1000 - 1 }) }).source.assertion('env:X', 'a'),
      'CONFIG_INVALID',
      /expired at .* start the job again/,
    );
    await rejects(
      assertions({ X: 'opaque' }).source.assertion('env:X', 'a'),
      'CONFIG_INVALID',
      /did not give a JWT \(6 characters/,
    );
    const github = { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://runner.test/x', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' };
    await rejects(
      assertions(github, () => ({ status: 403, body: '{"message":"no"}' })).source.assertion('github', 'a'),
      'TOKEN_REQUEST_FAILED',
      /HTTP 403.*id-token: write/,
    );
  });

  it("fills in a federated configuration's assertion from its source, with Entra's audience by default; leaves a given one and other methods alone", async () => {
    const token = jwt({ exp: NOW / 1000 + 300 });
    const { source, asked } = assertions(
      { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://runner.test/x', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't' },
      () => ({ status: 200, body: JSON.stringify({ value: token }) }),
    );
    const read = (values: Record<string, string>) => readTokenConfig((name) => values[name]);
    const base = { oauth2_token_url: 'https://idp.test/token', oauth2_client_id: 'c', oauth2_client_auth: 'federated' };
    const filled = await withFederatedAssertion(read({ ...base, oauth2_federated_source: 'github' }), source);
    assert.equal(filled.assertion.given, token);
    assert.match(asked[0]?.url ?? '', new RegExp(`audience=${encodeURIComponent(DEFAULT_FEDERATED_AUDIENCE)}`));
    const given = read({ ...base, oauth2_client_assertion: 'given', oauth2_federated_source: 'github' });
    assert.equal(await withFederatedAssertion(given, source), given);
    const secret = read({ ...base, oauth2_client_auth: 'client_secret_post', oauth2_client_secret: 's' });
    assert.equal(await withFederatedAssertion(secret, source), secret);
    assert.equal(asked.length, 1);
  });

  it('asks for the assertion or a source when federated has neither, and refuses a source it cannot read', () => {
    const base = { oauth2_token_url: 'https://idp.test/token', oauth2_client_id: 'c', oauth2_client_auth: 'federated' };
    const reader = (values: Record<string, string>) => (name: string) => values[name];
    assert.throws(
      () => readTokenConfig(reader(base)),
      /oauth2_client_assertion is not set .*oauth2_federated_source to github, env:<VARIABLE> or file:<path>/,
    );
    assert.throws(
      () => readTokenConfig(reader({ ...base, oauth2_federated_source: 'vault:x' })),
      /oauth2_federated_source is "vault:x"/,
    );
    assert.equal(readTokenConfig(reader({ ...base, oauth2_federated_source: 'github' })).clientSecret, '');
  });

  it('treats the assertion as a secret wherever it is set, for any profile', () => {
    const merged = mergeVariables({
      environment: undefined,
      dotenvText: 'OAUTH2_ADMIN_CLIENT_ASSERTION=b',
      processEnv: { OAUTH2_CLIENT_ASSERTION: 'a' },
      flags: [],
    });
    assert.equal(merged.get('oauth2_client_assertion')?.secret, true);
    assert.equal(merged.get('oauth2_admin_client_assertion')?.secret, true);
    assert.ok(isSecretVariable('oauth2_client_assertion') && isSecretVariable('oauth2_admin_client_assertion'));
  });
});
