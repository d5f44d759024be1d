import assert from 'node:assert/strict';
import {
  constants,
  createECDH,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { createRequire } from 'node:module';
import { compactVerify, decodeJwt, importJWK, jwtVerify } from 'jose';
import { readTokenConfig } from '../../src/oauth/config.js';
import { createClientAssertion } from '../../src/oauth/jose/client-assertion.js';
import { bigIntToBytes, hexToBytes } from '../../src/oauth/jose/bytes.js';
import { newJti } from '../../src/oauth/jose/jti.js';
import { parsePrivateKey } from '../../src/oauth/jose/keys.js';
import { COMB, publicPointOf, rfc6979Nonces, signEs256 } from '../../src/oauth/jose/p256.js';
import { pssSalt, signPs256, signRs256 } from '../../src/oauth/jose/rsa.js';
import { cryptoJsHashes, type CryptoJsLike } from '../../src/script/crypto-js-hashes.js';
import { nodeHashes } from '../../src/runner/node-hashes.js';

const require = createRequire(import.meta.url);
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const data = [...Buffer.from('header.payload')];

const formats = (key: KeyObject, legacy: 'pkcs1' | 'sec1'): Array<[string, string]> => [
  ['PKCS#8 PEM', key.export({ type: 'pkcs8', format: 'pem' }).toString()],
  [`${legacy.toUpperCase()} PEM`, key.export({ type: legacy, format: 'pem' } as never).toString()],
  ['JWK', JSON.stringify(key.export({ format: 'jwk' }))],
];

describe('JWT client authentication: signing', () => {
  describe('RS256', () => {
    for (const [name, text] of formats(rsa.privateKey, 'pkcs1')) {
      it(`from a ${name}: byte-identical to Node's signature`, () => {
        const key = parsePrivateKey(text);
        assert.equal(key.kind, 'RSA');
        if (key.kind !== 'RSA') return;
        assert.deepEqual(
          Buffer.from(signRs256(key, data, nodeHashes)),
          sign('sha256', Buffer.from(data), rsa.privateKey),
        );
      });
    }
  });

  describe('PS256', () => {
    const pss = { key: rsa.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
    for (const [name, text] of formats(rsa.privateKey, 'pkcs1')) {
      it(`from a ${name}: verified by Node's verifier, with a 32-byte salt`, () => {
        const key = parsePrivateKey(text);
        assert.equal(key.kind, 'RSA');
        if (key.kind !== 'RSA') return;
        assert.ok(verify('sha256', Buffer.from(data), pss, Buffer.from(signPs256(key, data, nodeHashes, pssSalt()))));
      });
    }

    it('with a modulus whose length is not a multiple of 8 bits, and a salt of each kind of byte', () => {
      const odd = generateKeyPairSync('rsa', { modulusLength: 2052 });
      const key = parsePrivateKey(odd.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
      if (key.kind !== 'RSA') return assert.fail('not RSA');
      for (const byte of [0x00, 0x7f, 0xff]) {
        const signature: Buffer = Buffer.from(signPs256(key, data, nodeHashes, new Array(32).fill(byte)));
        assert.equal(signature.length, 257);
        assert.ok(verify('sha256', Buffer.from(data), { ...pss, key: odd.publicKey }, signature));
      }
    });

    it('salts every signature differently, and refuses a salt of the wrong length', () => {
      const key = parsePrivateKey(rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
      if (key.kind !== 'RSA') return assert.fail('not RSA');
      assert.notDeepEqual(signPs256(key, data, nodeHashes, pssSalt()), signPs256(key, data, nodeHashes, pssSalt()));
      assert.throws(() => signPs256(key, data, nodeHashes, [1, 2, 3]), /salt must be 32 bytes/);
    });
  });

  describe('ES256', () => {
    for (const [name, text] of formats(ec.privateKey, 'sec1')) {
      it(`from a ${name}: verified by Node's verifier`, () => {
        const key = parsePrivateKey(text);
        assert.equal(key.kind, 'EC');
        if (key.kind !== 'EC') return;
        const signature = Buffer.from(signEs256(key, data, nodeHashes));
        assert.equal(signature.length, 64);
        assert.ok(verify('sha256', Buffer.from(data), { key: ec.publicKey, dsaEncoding: 'ieee-p1363' }, signature));
      });
    }

    it("its comb table holds the multiples of G it claims (checked with Node's ECDH), and a key's public point is Node's", () => {
      COMB.forEach(([x, y], i) => {
        let scalar = 0n;
        for (let tooth = 0; tooth < 4; tooth++) if (((i + 1) >> tooth) & 1) scalar += 1n << BigInt(64 * tooth);
        const ecdh = createECDH('prime256v1');
        ecdh.setPrivateKey(Buffer.from(scalar.toString(16).padStart(64, '0'), 'hex'));
        assert.equal(
          Buffer.from([4, ...bigIntToBytes(x, 32), ...bigIntToBytes(y, 32)]).toString('hex'),
          ecdh.getPublicKey('hex'),
          `entry ${i + 1}`,
        );
      });
      for (let i = 0; i < 5; i++) {
        const { x, y, d } = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
        const point = publicPointOf({
          kind: 'EC',
          curve: 'P-256',
          d: BigInt(`0x${Buffer.from(d ?? '', 'base64url').toString('hex')}`),
        });
        assert.deepEqual(
          [point.x, point.y].map((v) => Buffer.from(bigIntToBytes(v, 32)).toString('base64url')),
          [x, y],
        );
      }
    });

    it('uses the nonce RFC 6979 A.2.5 gives for "sample", and its signature', () => {
      const d = 0xc9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721n;
      const message = [...Buffer.from('sample')];
      const k = rfc6979Nonces(d, nodeHashes.sha256(message), nodeHashes).next().value;
      assert.equal(k, 0xa6e3c57dd01abe90086538398355dd4c3b17aa873382b0f24d6129493d8aad60n);
      assert.deepEqual(signEs256({ kind: 'EC', curve: 'P-256', d }, message, nodeHashes), [
        ...hexToBytes('efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716'),
        ...hexToBytes('f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8'),
      ]);
    });
  });

  it("gets the same hashes from crypto-js 3.3.0 (the sandbox's) as from Node", () => {
    const cryptoJs = cryptoJsHashes(require('crypto-js') as CryptoJsLike);
    for (const length of [0, 1, 3, 4, 5, 63, 64, 65, 1000]) {
      const bytes = Array.from({ length }, (_, i) => (i * 37 + 11) & 0xff);
      assert.deepEqual(cryptoJs.sha256(bytes), nodeHashes.sha256(bytes));
      assert.deepEqual(cryptoJs.sha1(bytes), nodeHashes.sha1(bytes));
      assert.deepEqual(
        cryptoJs.hmacSha256(bytes.slice(0, 70), bytes),
        nodeHashes.hmacSha256(bytes.slice(0, 70), bytes),
      );
    }
  });

  it('round-trips big integers through bytes', () => {
    assert.deepEqual(bigIntToBytes(0x0102n, 4), [0, 0, 1, 2]);
  });
});

describe('JWT client authentication: the assertion', () => {
  const config = (vars: Record<string, string>) =>
    readTokenConfig(
      (n) =>
        ({
          oauth2_token_url: 'https://idp.example.com/oauth2/token',
          oauth2_client_id: 'client-1',
          ...vars,
        })[n],
    );
  const NOW = 1_800_000_000_000;

  it('private_key_jwt with RS256: the claims of RFC 7523 §3, verified with the public key', async () => {
    const assertion = createClientAssertion(
      config({
        oauth2_client_auth: 'private_key_jwt',
        oauth2_private_key: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        oauth2_key_id: 'k1',
      }),
      nodeHashes,
      NOW,
      'jti-1',
    );
    const { protectedHeader } = await compactVerify(assertion, rsa.publicKey);
    assert.deepEqual(protectedHeader, { alg: 'RS256', typ: 'JWT', kid: 'k1' });
    assert.deepEqual(decodeJwt(assertion), {
      iss: 'client-1',
      sub: 'client-1',
      aud: 'https://idp.example.com/oauth2/token',
      jti: 'jti-1',
      iat: 1_800_000_000,
      exp: 1_800_000_060,
    });
  });

  it('private_key_jwt with ES256 from a JWK, and a settable audience', async () => {
    const assertion = createClientAssertion(
      config({
        oauth2_client_auth: 'private_key_jwt',
        oauth2_private_key: JSON.stringify(ec.privateKey.export({ format: 'jwk' })),
        oauth2_assertion_audience: 'https://idp.example.com',
      }),
      nodeHashes,
      NOW,
      'j',
    );
    const { protectedHeader } = await compactVerify(
      assertion,
      await importJWK(ec.publicKey.export({ format: 'jwk' }), 'ES256'),
    );
    assert.equal(protectedHeader.alg, 'ES256');
    assert.equal(decodeJwt(assertion).aud, 'https://idp.example.com');
  });

  it('private_key_jwt with PS256, asked for or pinned by the JWK\'s "alg"', async () => {
    const pkcs8 = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    for (const vars of [
      { oauth2_private_key: pkcs8, oauth2_assertion_alg: 'ps256' },
      { oauth2_private_key: JSON.stringify({ ...rsa.privateKey.export({ format: 'jwk' }), alg: 'PS256' }) },
    ]) {
      const assertion = createClientAssertion(
        config({ oauth2_client_auth: 'private_key_jwt', ...vars }),
        nodeHashes,
        NOW,
        'j',
      );
      const { protectedHeader } = await compactVerify(assertion, rsa.publicKey, { algorithms: ['PS256'] });
      assert.equal(protectedHeader.alg, 'PS256');
    }
  });

  it('gives every assertion a new jti', () => {
    const jtis = new Set(Array.from({ length: 10_000 }, () => newJti(NOW)));
    assert.equal(jtis.size, 10_000);
    assert.match(
      newJti(NOW, () => 0.5),
      /^[0-9a-z]+-(80000000){4}$/,
    );
  });

  it('client_secret_jwt signs HS256 with the secret', async () => {
    const assertion = createClientAssertion(
      config({
        oauth2_client_auth: 'client_secret_jwt',
        oauth2_client_secret: 'a-long-enough-shared-secret-value-123',
      }),
      nodeHashes,
      NOW,
      'j',
    );
    await compactVerify(assertion, Buffer.from('a-long-enough-shared-secret-value-123'));
  });

  it('puts the certificate thumbprint in x5t, given as hex or computed from the certificate', () => {
    const pem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const header = (assertion: string) =>
      JSON.parse(Buffer.from(assertion.split('.')[0] ?? '', 'base64url').toString()) as { x5t?: string };
    const hex = 'A1:B2:C3:D4:E5:F6:07:18:29:3A:4B:5C:6D:7E:8F:90:01:12:23:34';
    assert.equal(
      header(
        createClientAssertion(
          config({
            oauth2_client_auth: 'private_key_jwt',
            oauth2_private_key: pem,
            oauth2_certificate_thumbprint: hex,
          }),
          nodeHashes,
          NOW,
          'j',
        ),
      ).x5t,
      Buffer.from(hex.replace(/:/g, ''), 'hex').toString('base64url'),
    );
    const certificate = SELF_SIGNED;
    const expected = Buffer.from(new X509Certificate(certificate).fingerprint.replace(/:/g, ''), 'hex').toString(
      'base64url',
    );
    assert.equal(
      header(
        createClientAssertion(
          config({ oauth2_client_auth: 'private_key_jwt', oauth2_private_key: pem, oauth2_certificate: certificate }),
          nodeHashes,
          NOW,
          'j',
        ),
      ).x5t,
      expected,
    );
  });

  it('computes x5t#S256 beside x5t from the certificate, takes a SHA-256 thumbprint as x5t#S256, and sets typ when asked', () => {
    const pem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const header = (vars: Record<string, string>) =>
      JSON.parse(
        Buffer.from(
          createClientAssertion(
            config({ oauth2_client_auth: 'private_key_jwt', oauth2_private_key: pem, ...vars }),
            nodeHashes,
            NOW,
            'j',
          ).split('.')[0] ?? '',
          'base64url',
        ).toString(),
      ) as Record<string, string>;
    const x509 = new X509Certificate(SELF_SIGNED);
    const b64 = (fingerprint: string) => Buffer.from(fingerprint.replace(/:/g, ''), 'hex').toString('base64url');
    const both = header({ oauth2_certificate: SELF_SIGNED });
    assert.equal(both['x5t#S256'], b64(x509.fingerprint256));
    assert.equal(both['x5t'], b64(x509.fingerprint));
    assert.equal(both['typ'], 'JWT');
    assert.deepEqual(
      header({ oauth2_certificate_thumbprint: x509.fingerprint256, oauth2_assertion_typ: 'client-authentication+jwt' }),
      { alg: 'RS256', typ: 'client-authentication+jwt', 'x5t#S256': b64(x509.fingerprint256) },
    );
    // PS256, as Entra ID takes certificate credentials too.
    assert.deepEqual(header({ oauth2_certificate: SELF_SIGNED, oauth2_assertion_alg: 'PS256' }), {
      alg: 'PS256',
      typ: 'JWT',
      x5t: b64(x509.fingerprint),
      'x5t#S256': b64(x509.fingerprint256),
    });
    // An independent verifier takes it as the updated RFC 7523 says: its typ, issuer and audience.
    const typed = createClientAssertion(
      config({
        oauth2_client_auth: 'private_key_jwt',
        oauth2_private_key: pem,
        oauth2_assertion_typ: 'client-authentication+jwt',
        oauth2_assertion_audience: 'https://issuer.test',
      }),
      nodeHashes,
      Date.now(),
      'j',
    );
    return jwtVerify(typed, createPublicKey(rsa.privateKey), {
      typ: 'client-authentication+jwt',
      audience: 'https://issuer.test',
      issuer: 'client-1',
    }).then(() => {
      assert.throws(
        () => header({ oauth2_certificate_thumbprint: 'abc123' }),
        /40 hex digits for SHA-1, 64 for SHA-256/,
      );
      assert.throws(
        () =>
          config({
            oauth2_client_auth: 'private_key_jwt',
            oauth2_private_key: pem,
            oauth2_assertion_typ: 'not a "type"',
          }),
        /oauth2_assertion_typ is "not a "type""/,
      );
    });
  });

  describe('fails closed on a key it cannot use, saying which', () => {
    const pkcs8 = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }).toString();
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      ['garbage', { oauth2_private_key: 'not a key' }, /oauth2_private_key is neither a PEM private key nor a JWK/],
      [
        'a public key',
        { oauth2_private_key: createPublicKey(rsa.privateKey).export({ type: 'spki', format: 'pem' }).toString() },
        /is a PUBLIC KEY, not a private key/,
      ],
      [
        'an encrypted key',
        {
          oauth2_private_key: rsa.privateKey
            .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' })
            .toString(),
        },
        /is encrypted/,
      ],
      [
        'a P-384 key',
        { oauth2_private_key: pkcs8(generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey) },
        /curve other than P-256/,
      ],
      [
        'an Ed25519 key',
        { oauth2_private_key: pkcs8(generateKeyPairSync('ed25519').privateKey) },
        /neither an RSA nor an EC key/,
      ],
      [
        'a 1024-bit RSA key',
        { oauth2_private_key: pkcs8(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey) },
        /is a 1024-bit RSA key/,
      ],
      [
        'an EC key for RS256',
        { oauth2_private_key: pkcs8(ec.privateKey), oauth2_assertion_alg: 'RS256' },
        /is a P-256 EC key, which cannot sign RS256/,
      ],
      [
        'an RSA key for ES256',
        { oauth2_private_key: pkcs8(rsa.privateKey), oauth2_assertion_alg: 'ES256' },
        /is an RSA key \(2048 bits\), which cannot sign ES256/,
      ],
      [
        'a public JWK',
        { oauth2_private_key: JSON.stringify(ec.publicKey.export({ format: 'jwk' })) },
        /is a JWK without "d"/,
      ],
    ];
    for (const [name, vars, message] of cases) {
      it(name, () => {
        assert.throws(
          () => createClientAssertion(config({ oauth2_client_auth: 'private_key_jwt', ...vars }), nodeHashes, NOW, 'j'),
          (error: Error & { code: string }) => {
            assert.equal(error.code, 'CONFIG_INVALID');
            assert.match(error.message, message);
            assert.ok(!error.message.includes('BEGIN'), 'the key is never in the message');
            return true;
          },
        );
      });
    }
  });
});

// A throwaway self-signed certificate (openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=pm-oauth2-test).
const SELF_SIGNED = `-----BEGIN CERTIFICATE-----
MIIDEzCCAfugAwIBAgIUc4HWl615QiSSjMjJONAI3SWVGLswDQYJKoZIhvcNAQEL
BQAwGTEXMBUGA1UEAwwOcG0tb2F1dGgyLXRlc3QwHhcNMjYxMTIyMTY1ODA0WhcN
MzYxMTE5MTY1ODA0WjAZMRcwFQYDVQQDDA5wbS1vYXV0aDItdGVzdDCCASIwDQYJ
KoZIhvcNAQEBBQADggEPADCCAQoCggEBAJwiWIy/9Ad3u4SPZnXGG8JHZPdgKOu2
Gcd3CeEkzTIhHNJK/XkGYJgzZ9K96XrWU3i6MN/J3yCZJXWg+p4CHGza52pVuVWb
ytVMweZ5J4d4evtQpk0ZEA8MUKKoK7Qo4qLcqvF8IPEmPZTTHGjPKw9aq9eHDmR+
OprYzr+qWYRa8zQ5WLcg8bfF52AAr2tZds9gpRH7joXLxgcOTazPqHuz9sTTmibR
W9WOoHRcoMqCLYBr+MFsyVBW+vYDHcQkvPKXUrZi+bMsyBNP6LTnr2UGDvrHZTQ7
cf7Yoe+7h2hLM2/rVa4vSBY1XhvkNd/rTi8dk46PCqlfxWNYcugODe0CAwEAAaNT
MFEwHQYDVR0OBBYEFJjP8z8sghirS4LSzFYf/0jMWcAIMB8GA1UdIwQYMBaAFJjP
8z8sghirS4LSzFYf/0jMWcAIMA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZIhvcNAQEL
BQADggEBACBelTeipDKLN29Ztb1IM0/85DTJNgAydPbkuiDdHPV+F5rywcZeT/DC
Ox15rRN6UYR1LKEKZoiWO36WJY+2L+Ynem6tzghWthDBM/jTPBVvI6C6pX2SYlAD
NDsk9RK1VBII5CRyxfHiKqVfwWCgcs8XY1X6bRfYcVifDFQU9vMCCQp34IRbH6KY
HbovcvqhZmaYVS6FhF5ErjkpS6OCE0tVaPfPmpE3a++XrLo05nMraAPjZWwdfNcW
lyS5dcNNWOBmVcxq5LYoFjCv3MTRDRwkn7Dyh3zZYmK2uqiuXwBhdSGdSlFyU70O
tlW3GpIjMhlNjwwSHpS89+QhDNengDs=
-----END CERTIFICATE-----`;
