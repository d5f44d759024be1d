import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { base64Decode, base64Encode, utf8Bytes, utf8Decode } from '../../src/oauth/base64.js';
import { encodeForm, formEncode, parseExtraParams } from '../../src/oauth/form.js';

describe('formEncode (RFC 6749 Appendix B)', () => {
  const cases: Array<[string, string]> = [
    ['abc', 'abc'],
    ['a b', 'a+b'],
    ["+/=:&%!'()*~", '%2B%2F%3D%3A%26%25%21%27%28%29%2A~'],
    ['é', '%C3%A9'],
    ['😀', '%F0%9F%98%80'],
  ];
  for (const [input, expected] of cases) {
    it(`encodes ${JSON.stringify(input)} as ${expected}`, () => assert.equal(formEncode(input), expected));
  }

  it('agrees with URLSearchParams on the characters it leaves alone', () => {
    const text = 'AZaz09-._~ +é';
    assert.equal(encodeForm([['k', text]]), new URLSearchParams({ k: text }).toString().replace(/%7E/g, '~'));
  });
});

describe('parseExtraParams', () => {
  it('decodes pairs once, so they are encoded once', () => {
    assert.deepEqual(parseExtraParams('a=1&b=two%20words&c=x+y&flag', 'v'), [
      ['a', '1'],
      ['b', 'two words'],
      ['c', 'x y'],
      ['flag', ''],
    ]);
  });

  it('ignores empty parts and keeps = inside values', () => {
    assert.deepEqual(parseExtraParams('&a==b&&', 'v'), [['a', '=b']]);
  });

  it('rejects a malformed escape, naming the variable', () => {
    assert.throws(() => parseExtraParams('a=%zz', 'oauth2_extra_params'), {
      code: 'CONFIG_INVALID',
      message: /oauth2_extra_params .*"a"/,
    });
  });
});

describe('base64 and UTF-8 without TextEncoder', () => {
  it('matches Buffer for random text, and round-trips', () => {
    for (let i = 0; i < 200; i++) {
      const text = randomBytes(i % 37).toString('latin1') + ['', 'é', '€', '😀'][i % 4];
      const bytes = utf8Bytes(text);
      assert.deepEqual(bytes, [...Buffer.from(text, 'utf8')]);
      assert.equal(base64Encode(bytes), Buffer.from(text, 'utf8').toString('base64'));
      assert.equal(utf8Decode(base64Decode(Buffer.from(text, 'utf8').toString('base64url')) ?? []), text);
    }
  });

  it('refuses text that is not base64', () => {
    assert.equal(base64Decode('a.b'), undefined);
    assert.equal(base64Decode('abcde'), undefined);
  });
});

describe('utf8Bytes on a lone surrogate', () => {
  it('encodes U+FFFD, as Buffer does', () => {
    assert.deepEqual(utf8Bytes('a\ud83d'), [...Buffer.from('a\ud83d', 'utf8')]);
  });
});
