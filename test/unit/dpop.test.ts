import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify, type JWK } from 'jose';
import { readTokenConfig } from '../../src/oauth/config.js';
import { dpopHtu, originOf } from '../../src/oauth/dpop/htu.js';
import { acceptableNonce, resourceWantsNonce, tokenEndpointWantsNonce, withNonce } from '../../src/oauth/dpop/nonce.js';
import { createDpopProof, jwkThumbprint, proofFactory, pureDpopSigner } from '../../src/oauth/dpop/proof.js';
import { dpopFetch } from '../../src/oauth/dpop/token-fetch.js';
import { fetchTokenAsync, type AttemptResult, type FetchRuntime } from '../../src/oauth/fetch-token.js';
import { newJti } from '../../src/oauth/jose/jti.js';
import { decodeJwt } from '../../src/oauth/jwt.js';
import type { TokenRequest } from '../../src/oauth/token-request.js';
import { parseTokenResponse } from '../../src/oauth/token-response.js';
import { nodeHashes } from '../../src/runner/node-hashes.js';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ecJwk = ec.privateKey.export({ format: 'jwk' });
const { x: _x, y: _y, ...ecJwkWithoutPoint } = ecJwk;
const KEYS: ReadonlyArray<[string, string, string]> = [
  ['P-256 JWK', JSON.stringify(ecJwk), 'ES256'],
  ['P-256 JWK without x and y (the point computed)', JSON.stringify(ecJwkWithoutPoint), 'ES256'],
  ['P-256 PKCS#8 PEM', ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'ES256'],
  ['P-256 SEC1 PEM', ec.privateKey.export({ type: 'sec1', format: 'pem' }).toString(), 'ES256'],
  ['RSA PKCS#8 PEM', rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'RS256'],
  ['RSA JWK pinned to PS256', JSON.stringify({ ...rsa.privateKey.export({ format: 'jwk' }), alg: 'PS256' }), 'PS256'],
];
const NOW = 1_700_000_000_000;
const sha256b64url = (text: string) => createHash('sha256').update(text).digest('base64url');

describe('DPoP proofs (RFC 9449 §4)', () => {
  for (const [what, key, alg] of KEYS) {
    it(`signs a proof a JOSE library verifies with the embedded key: ${what}`, async () => {
      const signer = pureDpopSigner(key, nodeHashes);
      const proof = createDpopProof(
        signer,
        {
          htm: 'GET',
          htu: 'https://api.example/v1/items',
          nowMs: NOW,
          jti: 'jti-1',
          nonce: 'n-1',
          accessToken: 'the-token',
        },
        nodeHashes.sha256,
      );
      const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, {
        typ: 'dpop+jwt',
        currentDate: new Date(NOW),
      });
      assert.equal(protectedHeader.alg, alg);
      assert.deepEqual(
        Object.keys(protectedHeader.jwk ?? {}).sort(),
        alg === 'ES256' ? ['crv', 'kty', 'x', 'y'] : ['e', 'kty', 'n'],
        'the header holds the public key only',
      );
      assert.deepEqual(payload, {
        jti: 'jti-1',
        htm: 'GET',
        htu: 'https://api.example/v1/items',
        iat: NOW / 1000,
        nonce: 'n-1',
        ath: sha256b64url('the-token'),
      });
      assert.equal(
        jwkThumbprint(signer.jwk, nodeHashes.sha256),
        await calculateJwkThumbprint(protectedHeader.jwk as JWK),
      );
    });
  }

  it("the public key it derives is the key's own (the point computed from d equals the one given)", () => {
    assert.deepEqual(pureDpopSigner(JSON.stringify(ecJwkWithoutPoint), nodeHashes).jwk, {
      kty: 'EC',
      crv: 'P-256',
      x: ecJwk.x,
      y: ecJwk.y,
    });
  });

  it("a token request's proof has no ath, and every proof a new jti", () => {
    const make = proofFactory(
      (key) => pureDpopSigner(key, nodeHashes),
      nodeHashes.sha256,
      () => NOW,
      () => newJti(),
    );
    const key = JSON.stringify(ecJwk);
    const [a, b] = [
      make(key, { htm: 'POST', htu: 'https://idp/token' }),
      make(key, { htm: 'POST', htu: 'https://idp/token' }),
    ].map((p) => decodeJwt(p)?.claims ?? {});
    assert.equal(a?.['ath'], undefined);
    assert.notEqual(a?.['jti'], b?.['jti']);
  });

  it('names oauth2_dpop_key, never its content, when the key is unusable', () => {
    assert.throws(
      () => pureDpopSigner('{"kty":"oct","k":"c2VjcmV0LXNob3VsZC1ub3QtYXBwZWFy"}', nodeHashes),
      (error: Error) => {
        assert.match(error.message, /^oauth2_dpop_key is a JWK of type oct/);
        assert.ok(!error.message.includes('c2VjcmV0'));
        return true;
      },
    );
  });
});

describe('the URI a proof names (htu) and whose nonce is whose (origin)', () => {
  const cases: ReadonlyArray<[string, string]> = [
    ['https://API.Example.com:443/v1/items?q=1#frag', 'https://api.example.com/v1/items'],
    ['http://127.0.0.1:3000', 'http://127.0.0.1:3000/'],
    ['HTTP://localhost:80/a', 'http://localhost/a'],
    ['localhost:3000/no-scheme', 'http://localhost:3000/no-scheme'],
    ['https://user:pass@host.example/p', 'https://host.example/p'],
    ['https://host.example/a b/é', 'https://host.example/a%20b/%C3%A9'],
    ['http://[::1]:8080/x', 'http://[::1]:8080/x'],
  ];
  for (const [url, htu] of cases) it(`${url} → ${htu}`, () => assert.equal(dpopHtu(url), htu));

  it('one origin per server, whatever the path', () => {
    assert.equal(originOf('https://Idp.example:443/oauth2/token'), originOf('https://idp.example/api/other?x'));
    assert.notEqual(originOf('https://idp.example:8443/'), originOf('https://idp.example/'));
  });
});

describe('DPoP nonces (RFC 9449 §8, §9)', () => {
  it("takes only what a nonce may be, and knows each server's way of asking", () => {
    assert.equal(acceptableNonce(' abc.DEF-123_~ '), 'abc.DEF-123_~');
    for (const bad of [undefined, '', 'has space', 'quote"d', 'back\\slash', 'x'.repeat(513)])
      assert.equal(acceptableNonce(bad), undefined);
    assert.ok(tokenEndpointWantsNonce(400, 'use_dpop_nonce'));
    assert.ok(!tokenEndpointWantsNonce(401, 'invalid_client'));
    assert.ok(
      resourceWantsNonce(
        401,
        'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"',
      ),
    );
    assert.ok(!resourceWantsNonce(401, 'DPoP error="invalid_token"'));
    assert.ok(!resourceWantsNonce(200, 'DPoP error="use_dpop_nonce"'));
  });

  it('keeps the latest per server, and a bounded number of servers', () => {
    let nonces: Record<string, string> = {};
    for (let i = 0; i < 40; i++) nonces = withNonce(nonces, `https://s${i}`, `n${i}`);
    nonces = withNonce(nonces, 'https://s39', 'newer');
    assert.equal(Object.keys(nonces).length, 16);
    assert.equal(nonces['https://s39'], 'newer');
    assert.equal(nonces['https://s0'], undefined);
  });
});

describe('token_type with and without DPoP: a Bearer token never where a DPoP token was asked for, nor the reverse', () => {
  const answer = (body: object) => ({ status: 200, header: () => '', body: JSON.stringify(body) });
  it('accepts DPoP (any case) when a proof was sent', () => {
    assert.equal(
      parseTokenResponse(answer({ access_token: 'a', token_type: 'dpop', expires_in: 60 }), NOW, true).tokenType,
      'DPoP',
    );
  });
  for (const type of ['Bearer', undefined]) {
    it(`refuses ${type ?? 'a missing token_type'} when a proof was sent, naming the fix`, () => {
      assert.throws(
        () => parseTokenResponse(answer({ access_token: 'a', token_type: type, expires_in: 60 }), NOW, true),
        {
          code: 'TOKEN_RESPONSE_INVALID',
          message: /not bound to the key/,
          advice: /turn on DPoP-bound tokens for this client.*oauth2_dpop=false/,
        },
      );
    });
  }
  it('refuses DPoP when none was asked for, and says to turn it on', () => {
    assert.throws(() => parseTokenResponse(answer({ access_token: 'a', token_type: 'DPoP' }), NOW), {
      code: 'TOKEN_RESPONSE_INVALID',
      advice: /oauth2_dpop=true/,
    });
  });
});

describe('the token fetch with DPoP', () => {
  const vars: Record<string, string> = {
    oauth2_token_url: 'https://idp.example/token',
    oauth2_client_id: 'c',
    oauth2_client_secret: 's',
    oauth2_dpop: 'true',
    oauth2_dpop_key: JSON.stringify(ecJwk),
  };
  const config = readTokenConfig((n) => vars[n]);
  const proofs = proofFactory(
    (key) => pureDpopSigner(key, nodeHashes),
    nodeHashes.sha256,
    () => NOW,
    () => newJti(),
  );
  const answer = (status: number, body: object, headers: Record<string, string> = {}): AttemptResult => ({
    response: { status, header: (name) => headers[name.toLowerCase()] ?? '', body: JSON.stringify(body) },
  });
  function scripted(answers: AttemptResult[], withProofs = true) {
    const sent: TokenRequest[] = [];
    const nonces = new Map<string, string>();
    const runtime: FetchRuntime = {
      send: (request, _timeout, done) => {
        sent.push(request);
        done(answers.shift() ?? { transportCode: 'NO_MORE_ANSWERS' });
      },
      wait: (_ms, then) => then(),
      now: () => NOW,
      dpop: withProofs
        ? dpopFetch(proofs, { get: (o) => nonces.get(o), set: (o, n) => void nonces.set(o, n) })
        : undefined,
    };
    return { runtime, sent, nonces };
  }
  const proofOf = (request: TokenRequest | undefined) =>
    decodeJwt(request?.headers.find((h) => h.key === 'DPoP')?.value ?? '')?.claims ?? {};

  it("sends a proof of POST to the token URL, and answers the server's use_dpop_nonce once, with its nonce", async () => {
    const { runtime, sent, nonces } = scripted([
      answer(400, { error: 'use_dpop_nonce' }, { 'dpop-nonce': 'nonce-1' }),
      answer(200, { access_token: 't', token_type: 'DPoP', expires_in: 60 }, { 'dpop-nonce': 'nonce-2' }),
    ]);
    const token = await fetchTokenAsync(config, runtime);
    assert.equal(token.tokenType, 'DPoP');
    assert.equal(sent.length, 2);
    assert.deepEqual(
      [proofOf(sent[0])['htm'], proofOf(sent[0])['htu'], proofOf(sent[0])['nonce']],
      ['POST', 'https://idp.example/token', undefined],
    );
    assert.equal(proofOf(sent[1])['nonce'], 'nonce-1');
    assert.equal(nonces.get('https://idp.example'), 'nonce-2', 'the latest nonce is kept for the next proof');
  });

  it('does not ask a third time when the server wants a nonce again', async () => {
    const { runtime, sent } = scripted([
      answer(400, { error: 'use_dpop_nonce' }, { 'dpop-nonce': 'a' }),
      answer(400, { error: 'use_dpop_nonce' }, { 'dpop-nonce': 'b' }),
    ]);
    await assert.rejects(fetchTokenAsync(config, runtime), {
      code: 'TOKEN_ERROR_RESPONSE',
      details: { status: 400, error: 'use_dpop_nonce', wwwAuthenticate: '' },
      advice: /does not accept the nonce it issued/,
    });
    assert.equal(sent.length, 2);
  });

  it('fails closed without sending when the copy has no signing code', async () => {
    const { runtime, sent } = scripted([], false);
    await assert.rejects(fetchTokenAsync(config, runtime), {
      code: 'CONFIG_INVALID',
      message: /oauth2_dpop is true, but this copy of the script was built without the signing code/,
    });
    assert.equal(sent.length, 0);
  });

  it('asks for the key, and for a value it understands', () => {
    assert.throws(() => readTokenConfig((n) => ({ ...vars, oauth2_dpop_key: '' })[n]), {
      code: 'CONFIG_MISSING',
      message: /oauth2_dpop_key is not set.*pm-oauth2 dpop-key/,
    });
    assert.throws(() => readTokenConfig((n) => ({ ...vars, oauth2_dpop: 'yes' })[n]), {
      code: 'CONFIG_INVALID',
      message: /oauth2_dpop is "yes"/,
    });
    assert.equal(readTokenConfig((n) => ({ ...vars, oauth2_dpop: 'false', oauth2_dpop_key: '' })[n]).dpop, undefined);
  });
});
