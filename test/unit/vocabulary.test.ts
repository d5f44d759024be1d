import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { embedScript } from '../../src/generator/embed.js';
import {
  BLOCKED_SCHEME,
  BLOCKED_URL,
  bearerProfile,
  CACHE_VARIABLES,
  isSecretVariable,
  parseVariable,
  SCRIPT_ID,
  TEST_SCRIPT_ID,
  VARIABLES,
  variableName,
} from '../../src/oauth/vocabulary.js';
import { maskByStructure } from '../../src/runner/redactor.js';
import { mergeVariables } from '../../src/runner/variable-sources.js';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..', '..');
const BASES = [...Object.values(VARIABLES), ...Object.values(CACHE_VARIABLES)];
const SECRETS: readonly string[] = [
  VARIABLES.clientSecret,
  VARIABLES.privateKey,
  VARIABLES.dpopKey,
  VARIABLES.clientAssertion,
  CACHE_VARIABLES.accessToken,
  CACHE_VARIABLES.fingerprint,
];

describe('the vocabulary: one owner for every name', () => {
  it('reads every variable of every profile back into its profile and base name', () => {
    for (const profile of ['', 'admin', 'b2', 'x'.repeat(32)])
      for (const base of BASES) assert.deepEqual(parseVariable(variableName(base, profile)), { profile, base });
  });

  it('reads no other name as ours', () => {
    for (const name of [
      'client_id',
      'oauth2_',
      'oauth2_Admin_client_id',
      'oauth2_2fa_client_id',
      'oauth2_a_b_client_id',
      'oauth2_admin_nothing',
      `oauth2_${'x'.repeat(33)}_client_id`,
      'oauth2_retrying_request',
      'oauth2_profiles',
      'oauth2_client_id_old',
      'oauth2_toString',
      'constructor',
    ])
      assert.equal(parseVariable(name), undefined, name);
  });

  it('decides secret-ness once: ours by base name, for every profile; any other by its name', () => {
    for (const profile of ['', 'admin'])
      for (const base of BASES)
        assert.equal(isSecretVariable(variableName(base, profile)), SECRETS.includes(base), `${profile} ${base}`);
    for (const name of ['ClientSecret', 'api_password', 'refresh_token', 'refreshToken', 'partner_access_token'])
      assert.equal(isSecretVariable(name), true, name);
    for (const name of ['accessTokenUrl', 'client_id', 'token_url', 'base_url', 'oauth2_profiles'])
      assert.equal(isSecretVariable(name), false, name);
  });

  it('is what the variable sources, the report redaction and the build each ask', () => {
    // refresh_token was once not secret for the variable sources, so its value never reached the redactor.
    for (const name of ['refresh_token', 'oauth2_admin_client_assertion', 'oauth2_ops_dpop_key', 'ClientSecret']) {
      const merged = mergeVariables({
        environment: { name: 'dev', file: 'dev.json', values: [{ key: name, value: 'v4lue', secret: false }] },
        dotenvText: undefined,
        processEnv: {},
        flags: [],
      });
      assert.equal(merged.get(name)?.secret, true, `variable sources: ${name}`);
      const masked = maskByStructure({ values: [{ key: name, value: 'v4lue' }], [name]: 'v4lue' });
      assert.ok(!JSON.stringify(masked).includes('v4lue'), `report: ${name}`);
    }
    const collection = {
      info: { name: 'c', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
      item: [],
      variable: [
        { key: 'oauth2_ops_dpop_key', value: 'literal-dpop-key' },
        { key: 'oauth2_ops_client_assertion', value: 'literal-assertion' },
        { key: 'oauth2_ops_token_fingerprint', value: 'literal-fingerprint' },
        { key: 'oauth2_ops_client_id', value: 'ops-client' },
      ],
    };
    const { collection: built } = embedScript(collection, { secret: '// s', jwt: '// j' });
    const values = Object.fromEntries((built.variable ?? []).map((v) => [v.key, v.value]));
    assert.deepEqual(
      [values['oauth2_ops_dpop_key'], values['oauth2_ops_client_assertion'], values['oauth2_ops_token_fingerprint']],
      ['', '', ''],
    );
    assert.equal(values['oauth2_ops_client_id'], 'ops-client');
  });

  it("finds the profile of our Bearer's token reference, and nothing in any other", () => {
    assert.equal(bearerProfile('{{oauth2_access_token}}'), '');
    assert.equal(bearerProfile('{{oauth2_partner_access_token}}'), 'partner');
    for (const token of [
      '{{oauth2_client_id}}',
      '{{oauth2_Partner_access_token}}',
      'oauth2_access_token',
      '{{jwt}}',
      7,
    ])
      assert.equal(bearerProfile(token), undefined, String(token));
  });

  it('is the only place a naming rule, a script id or the blocked scheme is written', async () => {
    assert.ok(BLOCKED_URL.startsWith(`${BLOCKED_SCHEME}://`));
    const rules: Array<[RegExp, string]> = [
      [/\/\^?(\\\{\\\{)?oauth2_|RegExp\([^)]*oauth2_|\(\\w\+_\)|\[a-z\]\[a-z0-9\]/, 'an oauth2_* naming rule'],
      [new RegExp(`['"\`]${BLOCKED_SCHEME}`), 'the blocked scheme'],
      [new RegExp(`['"]${SCRIPT_ID}['"]|['"]${TEST_SCRIPT_ID}['"]`), 'a script id'],
      [/includes\('private_key_jwt'\)/, 'the variant, by its banner'],
      [/OAUTH2_\[|(ours|variable|key)\.toUpperCase\(\)/, 'a rule for CI names'],
      [
        /clientAuth [!=]== '|(JWT|MTLS)_CLIENT_AUTH|WITHOUT_SECRET/,
        'a branch on a client authentication method (client-auth.ts)',
      ],
    ];
    const found: string[] = [];
    for (const file of await sourceFiles(join(ROOT, 'src'))) {
      if (file.endsWith(join('oauth', 'vocabulary.ts'))) continue;
      const lines = (await readFile(file, 'utf8')).split('\n');
      lines.forEach((line, index) => {
        for (const [rule, what] of rules)
          if (rule.test(line)) found.push(`${relative(ROOT, file)}:${index + 1}: ${what}: ${line.trim()}`);
      });
    }
    assert.deepEqual(found, []);
  });
});

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(e.parentPath, e.name));
}
