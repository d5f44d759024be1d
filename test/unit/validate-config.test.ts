import assert from 'node:assert/strict';
import { checkConfig } from '../../src/runner/validate-config.js';
import { mergeVariables } from '../../src/runner/variable-sources.js';

const variables = (flags: Record<string, string>) =>
  mergeVariables({ environment: undefined, dotenvText: undefined, processEnv: {}, flags: Object.entries(flags).map(([k, v]) => `${k}=${v}`) });
const base = { oauth2_client_id: 'c', oauth2_client_secret: 's3cret' };

describe('checkConfig (the runner\'s validation)', () => {
  it('warns about a plain-http token URL outside this machine, and not on it', () => {
    assert.match(checkConfig(variables({ ...base, oauth2_token_url: 'http://idp.example.com/token' }), {}, undefined).warnings.join(), /plain http outside this machine .* use https/);
    for (const local of ['http://127.0.0.1:4010/token', 'http://localhost/token', 'https://idp.example.com/token']) {
      assert.deepEqual(checkConfig(variables({ ...base, oauth2_token_url: local }), {}, undefined).warnings, [], local);
    }
  });

  it('resolves references through the collection variables, which have the lowest precedence', () => {
    const check = checkConfig(variables({ ...base, idp: 'https://idp.example.com' }), { oauth2_token_url: '{{idp}}/token', oauth2_client_id: 'ignored' }, undefined);
    assert.equal(check.config?.tokenUrl, 'https://idp.example.com/token');
    assert.equal(check.config?.clientId, 'c');
  });

  it('says where to set a missing variable, naming the environment file and the profile\'s own name', () => {
    const check = checkConfig(variables({ oauth2_token_url: 'https://idp/token', oauth2_client_id: 'c' }), {}, 'environments/qa.postman_environment.json', 'admin');
    assert.match(check.problems.join('\n'), /^profile admin: oauth2_client_secret is not set — set it in environments\/qa\.postman_environment\.json, export OAUTH2_ADMIN_CLIENT_SECRET/);
  });
});
