import assert from 'node:assert/strict';
import {
  CLIENT_AUTH,
  CLIENT_AUTH_METHODS,
  clientAuthOf,
  signsAssertion,
  usesGivenAssertion,
} from '../../src/oauth/client-auth.js';
import { readTokenConfig } from '../../src/oauth/config.js';
import { isOAuthError } from '../../src/oauth/errors.js';
import { buildTokenRequest } from '../../src/oauth/token-request.js';

const SECRET = 'p+ss/w=rd:&% "x\\ü';
const ASSERTION = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';

/** Every variable a method could need, set: what each method sends is then decided by its row alone. */
const everything = (method: string): Record<string, string> => ({
  oauth2_token_url: 'https://idp.example.com/token',
  oauth2_client_id: 'the-client',
  oauth2_client_secret: SECRET,
  oauth2_client_auth: method,
  oauth2_private_key: '{"kty":"EC"}',
  oauth2_client_assertion: ASSERTION,
});

describe('client authentication as data: one row per method', () => {
  for (const method of CLIENT_AUTH_METHODS) {
    const info = CLIENT_AUTH[method];

    it(`${method}: the token request carries what its row says, and nothing else`, () => {
      const config = readTokenConfig((name) => everything(method)[name]);
      const request = buildTokenRequest(config, info.sends === 'assertion' ? ASSERTION : '');
      const body = new URLSearchParams(request.body);
      const authorization = request.headers.find((h) => h.key === 'Authorization')?.value;
      assert.equal(authorization !== undefined, info.sends === 'basic', 'Authorization header');
      assert.equal(body.get('client_id'), info.sends === 'basic' ? null : 'the-client');
      assert.equal(body.get('client_secret'), info.sends === 'form' ? SECRET : null);
      assert.equal(body.get('client_assertion'), info.sends === 'assertion' ? ASSERTION : null);
      assert.equal(
        body.get('client_assertion_type'),
        info.sends === 'assertion' ? 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' : null,
      );
      if (!info.secret) assert.ok(!request.body.includes(encodeURIComponent(SECRET)) && !authorization);
    });

    it(`${method}: the configuration asks for exactly what the row needs`, () => {
      let problems: readonly string[] = [];
      try {
        readTokenConfig(
          (name) =>
            ({ ...everything(method), oauth2_client_secret: '', oauth2_private_key: '', oauth2_client_assertion: '' })[
              name
            ] || undefined,
        );
      } catch (error) {
        assert.ok(isOAuthError(error));
        problems = error.details.problems ?? [error.message];
      }
      const asked = (name: string) => problems.some((p) => p.startsWith(`${name} is not set`));
      assert.equal(asked('oauth2_client_secret'), info.secret, `${problems.join('; ')}`);
      assert.equal(asked('oauth2_private_key'), info.assertion === 'key', `${problems.join('; ')}`);
      assert.equal(asked('oauth2_client_assertion'), info.assertion === 'given', `${problems.join('; ')}`);
    });
  }

  it('names the methods that sign here and the one that sends what it is given', () => {
    assert.deepEqual(CLIENT_AUTH_METHODS.filter(signsAssertion), ['client_secret_jwt', 'private_key_jwt']);
    assert.deepEqual(CLIENT_AUTH_METHODS.filter(usesGivenAssertion), ['federated']);
    assert.equal(signsAssertion('private_key_jwt '), false, 'an unknown spelling is no method');
    assert.equal(clientAuthOf('nonsense'), CLIENT_AUTH.client_secret_basic);
  });

  it('refuses a method that is no row, naming every row', () => {
    assert.throws(
      () => readTokenConfig((name) => everything('client_secret_jwt_bearer')[name]),
      (error: unknown) =>
        isOAuthError(error) &&
        (error.details.problems ?? []).some((p) => p.includes(`use one of ${CLIENT_AUTH_METHODS.join(', ')}`)),
    );
  });
});
