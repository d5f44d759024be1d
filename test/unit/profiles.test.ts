import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { checkBuildConfig } from '../../src/generator/build-config.js';
import type { Collection } from '../../src/generator/collection-types.js';
import { embedScript } from '../../src/generator/embed.js';
import { profileFor, profileReader, profileVariable } from '../../src/oauth/profiles.js';

describe('credential profiles', () => {
  it('finds the profile of the innermost mapped folder', () => {
    const map = { Admin: 'admin', 'Admin/Audit': 'auditor' };
    assert.equal(profileFor(['Coll', 'Admin', 'List'], map), 'admin');
    assert.equal(profileFor(['Coll', 'Admin', 'Audit', 'Deep', 'Read'], map), 'auditor');
    assert.equal(profileFor(['Coll', 'Reports', 'Daily'], map), '');
    assert.equal(profileFor(undefined, map), '');
  });

  it('reads a profile\'s variables, falling back to the unprefixed ones', () => {
    const vars: Record<string, string> = { oauth2_client_id: 'default', oauth2_admin_client_id: 'admin', oauth2_scope: 'read' };
    const read = profileReader((n) => vars[n], 'admin');
    assert.equal(read('oauth2_client_id'), 'admin');
    assert.equal(read('oauth2_scope'), 'read');
    assert.equal(profileVariable('oauth2_access_token', 'admin'), 'oauth2_admin_access_token');
  });

  it('checks pm-oauth2.config.json, naming every bad key at once', () => {
    assert.deepEqual(checkBuildConfig({ folderProfiles: { Admin: 'admin' } }, 'c.json'), { folderProfiles: { Admin: 'admin' } });
    assert.throws(() => checkBuildConfig({ folderProfile: {}, folderProfiles: { A: 'Admin', B: 3, C: 'client' } }, 'c.json'), {
      code: 'CONFIG_INVALID',
      message: 'c.json:\n  - unknown key "folderProfile" (known: folderProfiles)\n  - folderProfiles["A"]: "Admin" is not a profile name: use lower-case letters and digits, starting with a letter\n  - folderProfiles["B"] must be a profile name (a string)\n  - folderProfiles["C"]: "client" is reserved (it reads like part of an oauth2_* name): choose another',
    });
  });

  it('gives a mapped folder its profile\'s Bearer and writes the map and the profile\'s variables', async () => {
    const source = JSON.parse(await readFile('collections/two-profiles.postman_collection.json', 'utf8')) as Collection;
    const { collection } = embedScript(source, { secret: '//', jwt: '// jwt' }, false, { Admin: 'admin' });
    assert.deepEqual(collection.item[1]?.auth, { type: 'bearer', bearer: [{ key: 'token', value: '{{oauth2_admin_access_token}}', type: 'string' }] });
    assert.equal(collection.item[0]?.auth, undefined);
    const variables = Object.fromEntries(collection.variable?.map((v) => [v.key, v.value]) ?? []);
    assert.equal(variables['oauth2_profiles'], '{"Admin":"admin"}');
    assert.ok('oauth2_admin_client_id' in variables && 'oauth2_admin_client_secret' in variables);
    const rebuilt = embedScript(collection, { secret: '//', jwt: '// jwt' }, false, { Admin: 'admin' });
    assert.deepEqual(rebuilt.collection, collection, 'a rebuild is identical');
    assert.deepEqual(rebuilt.warnings, [], 'the profile folder is not reported as keeping its own auth');
  });
});
