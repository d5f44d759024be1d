import assert from 'node:assert/strict';
import { checkConfig } from '../../src/runner/validate-config.js';
import { mergeVariables } from '../../src/runner/variable-sources.js';

const variables = (flags: Record<string, string>) =>
  mergeVariables({
    environment: undefined,
    dotenvText: undefined,
    processEnv: {},
    flags: Object.entries(flags).map(([k, v]) => `${k}=${v}`),
  });
const base = { oauth2_client_id: 'c', oauth2_client_secret: 's3cret' };

describe("checkConfig (the runner's validation)", () => {
  it('refuses a plain-http token URL outside this machine unless explicitly allowed, and then warns', () => {
    const refused = checkConfig(
      variables({ ...base, oauth2_token_url: 'http://idp.example.com/token' }),
      {},
      undefined,
    );
    assert.equal(refused.config, undefined);
    assert.match(
      refused.problems.join(),
      /oauth2_token_url is plain http to another machine \(http:\/\/idp\.example\.com\/token\), so the client credentials would cross the network in clear — use https; only on a network you trust, set oauth2_allow_insecure_http=true/,
    );
    for (const sneaky of [
      'http://127.0.0.1.evil.example/token',
      'http://localhost.evil.example/token',
      'HTTP://idp.example.com',
      'http://[::2]/token',
    ]) {
      assert.equal(
        checkConfig(variables({ ...base, oauth2_token_url: sneaky }), {}, undefined).config,
        undefined,
        sneaky,
      );
    }
    const allowed = checkConfig(
      variables({ ...base, oauth2_token_url: 'http://idp.example.com/token', oauth2_allow_insecure_http: 'true' }),
      {},
      undefined,
    );
    assert.equal(allowed.config?.tokenUrl, 'http://idp.example.com/token');
    assert.match(
      allowed.warnings.join(),
      /plain http outside this machine .*allowed by oauth2_allow_insecure_http.* use https/,
    );
    for (const local of ['http://127.0.0.1:4010/token', 'http://localhost/token', 'https://idp.example.com/token']) {
      assert.deepEqual(checkConfig(variables({ ...base, oauth2_token_url: local }), {}, undefined).warnings, [], local);
    }
  });

  it('resolves references through the collection variables, which have the lowest precedence', () => {
    const check = checkConfig(
      variables({ ...base, idp: 'https://idp.example.com' }),
      { oauth2_token_url: '{{idp}}/token', oauth2_client_id: 'ignored' },
      undefined,
    );
    assert.equal(check.config?.tokenUrl, 'https://idp.example.com/token');
    assert.equal(check.config?.clientId, 'c');
  });

  it("names the profile's own secret when the profile has its own client id (CONFIG_MISSING, nothing borrowed)", () => {
    const check = checkConfig(
      variables({ oauth2_token_url: 'https://idp/token', ...base, oauth2_admin_client_id: 'admin' }),
      {},
      'environments/qa.postman_environment.json',
      'admin',
    );
    assert.equal(check.config, undefined);
    assert.match(
      check.problems.join('\n'),
      /^profile admin: oauth2_admin_client_secret is not set — set it in environments\/qa\.postman_environment\.json, export OAUTH2_ADMIN_CLIENT_SECRET, add it to \.env, or pass --env-var oauth2_admin_client_secret=…/,
    );
  });

  it("says where to set a missing variable, naming the environment file and the profile's own name", () => {
    const check = checkConfig(
      variables({ oauth2_token_url: 'https://idp/token', oauth2_client_id: 'c' }),
      {},
      'environments/qa.postman_environment.json',
      'admin',
    );
    assert.match(
      check.problems.join('\n'),
      /^profile admin: oauth2_client_secret is not set — set it in environments\/qa\.postman_environment\.json, export OAUTH2_ADMIN_CLIENT_SECRET/,
    );
  });
});
