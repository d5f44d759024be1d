import assert from 'node:assert/strict';
import { readTokenConfig } from '../../src/oauth/config.js';
import { fetchTokenAsync, type AttemptResult, type FetchRuntime } from '../../src/oauth/fetch-token.js';
import { createClientAssertion } from '../../src/oauth/jose/client-assertion.js';
import { newJti } from '../../src/oauth/jose/jti.js';
import { decodeJwt } from '../../src/oauth/jwt.js';
import type { TokenRequest } from '../../src/oauth/token-request.js';
import { nodeHashes } from '../../src/runner/node-hashes.js';

/** A runtime whose answers are scripted, recording what was sent and how long it waited. */
function scripted(answers: AttemptResult[], assertions?: FetchRuntime['assertions']) {
  const sent: TokenRequest[] = [];
  const waits: number[] = [];
  const runtime: FetchRuntime = {
    send: (request, _timeout, done) => {
      sent.push(request);
      done(answers.shift() ?? { transportCode: 'NO_MORE_ANSWERS' });
    },
    wait: (ms, then) => {
      waits.push(ms);
      then();
    },
    now: () => 1_700_000_000_000,
    assertions,
  };
  return { runtime, sent, waits };
}

const json = (status: number, body: object): AttemptResult => ({
  response: { status, header: () => '', body: JSON.stringify(body) },
});
const vars: Record<string, string> = {
  oauth2_token_url: 'https://idp/token',
  oauth2_client_id: 'c',
  oauth2_client_secret: 'a-shared-secret-long-enough-for-hs256-0123456789',
  oauth2_client_auth: 'client_secret_jwt',
};

describe('fetchToken (the one core of the script and of Node)', () => {
  it('signs a new assertion, with a new jti, for each attempt: a retry after 503 never replays one', async () => {
    const config = readTokenConfig((n) => vars[n]);
    const { runtime, sent, waits } = scripted(
      [
        json(503, { error: 'temporarily_unavailable' }),
        json(200, { access_token: 'tok', token_type: 'Bearer', expires_in: 60 }),
      ],
      (c) => createClientAssertion(c, nodeHashes, Date.now(), newJti()),
    );
    const token = await fetchTokenAsync(config, runtime);
    assert.equal(token.accessToken, 'tok');
    assert.deepEqual(waits, [250]);
    const jtis = sent.map((r) => decodeJwt(new URLSearchParams(r.body).get('client_assertion') ?? '')?.claims['jti']);
    assert.equal(jtis.length, 2);
    assert.ok(jtis.every((jti) => typeof jti === 'string' && jti.length >= 16));
    assert.notEqual(jtis[0], jtis[1]);
  });

  it("gives up on a refusal at once, with the status and the server's error as fields", async () => {
    const config = readTokenConfig((n) => ({ ...vars, oauth2_client_auth: 'client_secret_post' })[n]);
    const { runtime, sent } = scripted([json(401, { error: 'invalid_client' })]);
    await assert.rejects(fetchTokenAsync(config, runtime), {
      code: 'TOKEN_ERROR_RESPONSE',
      details: { status: 401, error: 'invalid_client', wwwAuthenticate: '' },
    });
    assert.equal(sent.length, 1);
  });

  it('fails closed without sending when a JWT method has no signer', async () => {
    const config = readTokenConfig((n) => vars[n]);
    const { runtime, sent } = scripted([]);
    await assert.rejects(fetchTokenAsync(config, runtime), {
      code: 'CONFIG_INVALID',
      message: /built without JWT signing/,
    });
    assert.equal(sent.length, 0);
  });
});
