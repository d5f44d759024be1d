import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { FINGERPRINT_VARIABLES, fingerprintOf, fingerprintValues } from '../../src/oauth/fingerprint.js';
import { isReusable, refreshMarginMs } from '../../src/oauth/freshness.js';
import { maskToken, redactSecrets } from '../../src/oauth/mask.js';
import { requestNeedsToken } from '../../src/oauth/request-auth.js';
import { retryDelayMs } from '../../src/oauth/retry.js';
import {
  breakerError,
  coolDownMs,
  DEFINITIVE_COOL_DOWN_MS,
  TRANSIENT_COOL_DOWN_MS,
  tripBreaker,
  trippedBreaker,
} from '../../src/oauth/breaker.js';
import { OAuthError } from '../../src/oauth/errors.js';
import { afterResponse } from '../../src/oauth/retry-on-401.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const base: Record<string, string> = {
  oauth2_token_url: 'https://idp/token',
  oauth2_client_id: 'c',
  oauth2_client_secret: 'top-secret-value',
};
const fingerprint = (vars: Record<string, string>) =>
  fingerprintOf(
    fingerprintValues((n) => ({ ...base, ...vars })[n]),
    sha256,
  );

describe('fingerprintOf', () => {
  it('changes with every variable that decides the token', () => {
    const variants = [
      {},
      ...FINGERPRINT_VARIABLES.map((name) => ({ [name]: name === 'oauth2_dpop' ? 'true' : `changed ${name}` })),
    ];
    assert.equal(new Set(variants.map(fingerprint)).size, variants.length);
    assert.equal(FINGERPRINT_VARIABLES.length, 16);
    assert.ok(FINGERPRINT_VARIABLES.includes('oauth2_dpop_key'), 'a token bound to one key is never sent with another');
  });

  it('ignores what does not decide it: the margin, the time-out, scope spacing, the default spelled out, DPoP spelled otherwise', () => {
    assert.equal(fingerprint({ oauth2_dpop: ' TRUE ' }), fingerprint({ oauth2_dpop: 'true' }));
    assert.equal(fingerprint({ oauth2_dpop: 'false' }), fingerprint({}));
    assert.equal(fingerprint({ oauth2_refresh_margin: '5', oauth2_token_timeout: '9' }), fingerprint({}));
    // A federated assertion is read anew before its exp: the same client keeps its token.
    assert.equal(
      fingerprint({ oauth2_client_assertion: 'eyJ.a.b' }),
      fingerprint({ oauth2_client_assertion: 'eyJ.c.d' }),
    );
    assert.equal(
      fingerprint({
        oauth2_federated_source: 'github',
        oauth2_federated_audience: 'x',
        oauth2_assertion_typ: 'client-authentication+jwt',
      }),
      fingerprint({}),
    );
    // The recipe as it was: a token cached before these variables existed is still reused.
    const before = ['https://idp/token', 'c', 'top-secret-value', 'client_secret_basic', ...Array(12).fill('')];
    assert.equal(fingerprint({}), `v3:${sha256(JSON.stringify(before))}`);
    assert.equal(fingerprint({ oauth2_scope: ' a  b a' }), fingerprint({ oauth2_scope: 'a b' }));
    assert.equal(fingerprint({ oauth2_client_auth: 'client_secret_basic' }), fingerprint({}));
  });

  it('does not contain the secret', () => {
    assert.ok(!fingerprint({}).includes('top-secret-value'));
    assert.match(fingerprint({}), /^v3:[0-9a-f]{64}$/);
  });
});

describe('freshness', () => {
  const token = { accessToken: 't', issuedAt: 0, expiresAt: 3_600_000, fingerprint: 'f' };
  it('renews 60 s before expiry by default, and never more than a quarter of the lifetime before', () => {
    assert.equal(refreshMarginMs(3_600_000, undefined), 60_000);
    assert.equal(refreshMarginMs(2_000, undefined), 500);
    assert.equal(refreshMarginMs(3_600_000, 10), 10_000);
  });
  it('reuses only a fresh token of the same fingerprint', () => {
    assert.equal(isReusable(token, 'f', 3_539_999, undefined), true);
    assert.equal(isReusable(token, 'f', 3_540_000, undefined), false);
    assert.equal(isReusable(token, 'g', 0, undefined), false);
    assert.equal(isReusable({ ...token, accessToken: '' }, 'f', 0, undefined), false);
    assert.equal(isReusable({ ...token, expiresAt: NaN }, 'f', 0, undefined), false);
  });
});

describe('retryDelayMs', () => {
  it('retries a dropped connection, 5xx and 429 with backoff, a bounded number of times', () => {
    assert.equal(retryDelayMs({ kind: 'transport', code: 'ECONNRESET' }, 1, 0), 250);
    assert.equal(retryDelayMs({ kind: 'transport', code: 'socket hang up' }, 2, 0), 500);
    assert.equal(retryDelayMs({ kind: 'http', status: 503, retryAfter: '' }, 2, 0), 500);
    assert.equal(retryDelayMs({ kind: 'http', status: 503, retryAfter: '' }, 3, 0), undefined);
  });
  it('never retries 4xx, a time-out, a refused connection, an unknown host or a TLS failure: a second try would not pass', () => {
    assert.equal(retryDelayMs({ kind: 'http', status: 401, retryAfter: '' }, 1, 0), undefined);
    for (const code of [
      'ETIMEDOUT',
      'ECONNREFUSED',
      'ENOTFOUND',
      'CERT_HAS_EXPIRED',
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'EPROTO',
    ]) {
      assert.equal(retryDelayMs({ kind: 'transport', code }, 1, 0), undefined, code);
    }
  });
  it('honours a short Retry-After, in seconds or as a date, and refuses a long one', () => {
    assert.equal(retryDelayMs({ kind: 'http', status: 429, retryAfter: '2' }, 1, 0), 2000);
    assert.equal(retryDelayMs({ kind: 'http', status: 429, retryAfter: new Date(3000).toUTCString() }, 1, 0), 3000);
    assert.equal(retryDelayMs({ kind: 'http', status: 429, retryAfter: '3600' }, 1, 0), undefined);
  });
});

describe('masking', () => {
  it('shows a short prefix and the length only', () => {
    assert.equal(maskToken('eyJhbGciOiJSUzI1NiJ9.payload.signature'), 'eyJhbG…(38 chars)');
    assert.equal(maskToken('short'), 's…(5 chars)');
  });
  it('redacts secrets in text', () => {
    assert.equal(redactSecrets('a s3cr3t b', ['s3cr3t']), 'a *** b');
  });
});

describe('requestNeedsToken', () => {
  it('is true for an inheriting request and a Bearer of our variables', () => {
    assert.equal(requestNeedsToken(undefined), true);
    assert.equal(requestNeedsToken({ type: 'inherit' }), true);
    assert.equal(
      requestNeedsToken({ type: 'bearer', bearer: [{ key: 'token', value: '{{oauth2_access_token}}' }] }),
      true,
    );
  });
  it('is false for noauth, another auth, or a Bearer of something else', () => {
    assert.equal(requestNeedsToken({ type: 'noauth' }), false);
    assert.equal(requestNeedsToken({ type: 'basic' }), false);
    assert.equal(requestNeedsToken({ type: 'bearer', bearer: [{ key: 'token', value: '{{legacy_token}}' }] }), false);
  });
});

describe('afterResponse (retry once on 401)', () => {
  const facts = {
    setting: undefined,
    status: 401,
    wwwAuthenticate: 'Bearer error="invalid_token"',
    key: 'r1:0',
    marker: undefined,
  };
  it('retries a 401 invalid_token once, and gives up on the second', () => {
    assert.equal(afterResponse(facts), 'retry');
    assert.equal(afterResponse({ ...facts, marker: 'r1:0' }), 'give-up');
    assert.equal(afterResponse({ ...facts, marker: 'r2:0' }), 'retry');
  });
  it('leaves other 401s alone unless set to any, and everything when off', () => {
    assert.equal(afterResponse({ ...facts, wwwAuthenticate: 'Bearer realm="x"' }), 'ignore');
    assert.equal(afterResponse({ ...facts, wwwAuthenticate: '', setting: 'any' }), 'retry');
    assert.equal(afterResponse({ ...facts, setting: 'false' }), 'ignore');
  });
  it('forgets the marker when the retried request gets through', () => {
    assert.equal(afterResponse({ ...facts, status: 200, marker: 'r1:0' }), 'retried-ok');
    assert.equal(afterResponse({ ...facts, status: 200 }), 'ignore');
  });
});

describe("the token endpoint's circuit breaker", () => {
  const refusal = new OAuthError(
    'TOKEN_ERROR_RESPONSE',
    'the token endpoint answered 401 invalid_client: "bad top-secret-value"',
    'check the secret',
    { status: 401, error: 'invalid_client' },
  );
  const outage = new OAuthError('TOKEN_ERROR_RESPONSE', 'the token endpoint answered 503', '', { status: 503 });

  it('keeps a refusal longer than an outage, and nothing that costs nothing to check again', () => {
    assert.equal(coolDownMs(refusal), DEFINITIVE_COOL_DOWN_MS);
    assert.equal(coolDownMs(outage), TRANSIENT_COOL_DOWN_MS);
    assert.equal(
      coolDownMs(new OAuthError('TOKEN_ERROR_RESPONSE', '429', '', { status: 429 })),
      TRANSIENT_COOL_DOWN_MS,
    );
    assert.equal(
      coolDownMs(new OAuthError('TOKEN_REQUEST_FAILED', 'refused', '', { transportCode: 'ECONNREFUSED' })),
      TRANSIENT_COOL_DOWN_MS,
    );
    assert.equal(coolDownMs(new OAuthError('CONFIG_MISSING', 'x')), 0);
    assert.ok(DEFINITIVE_COOL_DOWN_MS > TRANSIENT_COOL_DOWN_MS);
  });

  it('holds until the cool-down ends, repeating the cause without the secrets a server echoed', () => {
    const record = tripBreaker(refusal, 1_000, ['top-secret-value']);
    assert.ok(!record.includes('top-secret-value'));
    const held = trippedBreaker(record, 1_000 + DEFINITIVE_COOL_DOWN_MS - 1);
    assert.ok(held);
    const error = breakerError(held, 1_000 + DEFINITIVE_COOL_DOWN_MS - 1_500);
    assert.equal(error.code, 'TOKEN_ERROR_RESPONSE');
    assert.equal(
      error.message,
      'the token endpoint answered 401 invalid_client: "bad ***" (not asked again for 2 s: this configuration failed just before)',
    );
    assert.equal(error.advice, 'check the secret');
    assert.equal(trippedBreaker(record, 1_000 + DEFINITIVE_COOL_DOWN_MS), undefined);
    for (const junk of [undefined, '', 'not json', '{"until":"soon"}', 42])
      assert.equal(trippedBreaker(junk, 0), undefined);
  });
});
