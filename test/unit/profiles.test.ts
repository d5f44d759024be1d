import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { checkBuildConfig } from '../../src/generator/build-config.js';
import type { Collection } from '../../src/generator/collection-types.js';
import { embedScript } from '../../src/generator/embed.js';
import { readTokenConfig } from '../../src/oauth/config.js';
import { NO_CLIENT } from '../../src/oauth/vocabulary.js';
import { graphCollection } from '../helpers/graph-export.js';
import {
  clientsOf,
  profileFor,
  profileNameOf,
  profileReader,
  profileVariable,
  useVariableNames,
} from '../../src/oauth/profiles.js';

describe('credential profiles', () => {
  it('finds the profile of the innermost mapped folder', () => {
    const map = { Admin: 'admin', 'Admin/Audit': 'auditor' };
    assert.equal(profileFor(['Coll', 'Admin', 'List'], map), 'admin');
    assert.equal(profileFor(['Coll', 'Admin', 'Audit', 'Deep', 'Read'], map), 'auditor');
    assert.equal(profileFor(['Coll', 'Reports', 'Daily'], map), '');
    assert.equal(profileFor(undefined, map), '');
  });

  it("outside the mapped folders, the root's entry: the default client, or none", () => {
    const map = { Application: 'application', '': NO_CLIENT };
    assert.equal(profileFor(['Graph', 'Application', 'Me'], map), 'application');
    assert.equal(profileFor(['Graph', 'Delegated', 'Me'], map), NO_CLIENT);
    assert.equal(profileFor(['Graph', 'Health'], map), NO_CLIENT);
    assert.deepEqual(clientsOf(map), ['application']);
    assert.deepEqual(clientsOf({ Admin: 'admin', Audit: 'admin' }), ['', 'admin']);
    assert.deepEqual(clientsOf({}), ['']);
  });

  it("reads a profile's variables, falling back to the unprefixed ones", () => {
    const vars: Record<string, string> = {
      oauth2_client_id: 'default',
      oauth2_admin_client_id: 'admin',
      oauth2_scope: 'read',
    };
    const read = profileReader((n) => vars[n], 'admin');
    assert.equal(read('oauth2_client_id'), 'admin');
    assert.equal(read('oauth2_scope'), 'read');
    assert.equal(profileVariable('oauth2_access_token', 'admin'), 'oauth2_admin_access_token');
  });

  it("never lends the default client's credentials to a profile with a client id or key of its own", () => {
    const vars: Record<string, string> = {
      oauth2_token_url: 'https://idp/token',
      oauth2_client_id: 'default',
      oauth2_client_secret: 'default-secret',
      oauth2_private_key: 'KEY',
      oauth2_key_id: 'k1',
      oauth2_admin_client_id: 'admin',
    };
    const read = profileReader((n) => vars[n], 'admin');
    assert.equal(read('oauth2_client_secret'), undefined);
    assert.equal(read('oauth2_private_key'), undefined);
    assert.equal(read('oauth2_key_id'), undefined);
    assert.equal(read('oauth2_token_url'), 'https://idp/token', 'what does not identify a client still falls back');
    const keyOnly = profileReader(
      (n) =>
        (({ ...vars, oauth2_admin_client_id: '', oauth2_admin_private_key: 'ADMIN-KEY' }) as Record<string, string>)[
          n
        ] || undefined,
      'admin',
    );
    assert.equal(keyOnly('oauth2_private_key'), 'ADMIN-KEY');
    assert.equal(keyOnly('oauth2_client_secret'), undefined, 'a key of its own makes it a client of its own');
    assert.throws(
      () =>
        readTokenConfig(
          read,
          (name) => `export ${name.toUpperCase()}`,
          profileNameOf((n) => vars[n], 'admin'),
        ),
      {
        code: 'CONFIG_MISSING',
        message: /^oauth2_admin_client_secret is not set — export OAUTH2_ADMIN_CLIENT_SECRET/,
      },
    );
  });

  it('checks pm-oauth2.config.json, naming every bad key at once', () => {
    assert.deepEqual(checkBuildConfig({ folderProfiles: { Admin: 'admin' } }, 'c.json'), {
      folderProfiles: { Admin: 'admin' },
    });
    assert.throws(
      () => checkBuildConfig({ folderProfile: {}, folderProfiles: { A: 'Admin', B: 3, C: 'client' } }, 'c.json'),
      {
        code: 'CONFIG_INVALID',
        message:
          'c.json:\n  - unknown key "folderProfile" (known: folderProfiles, retryOn401, variables, shard)\n  - folderProfiles["A"]: "Admin" is not a profile name: use lower-case letters and digits, starting with a letter\n  - folderProfiles["B"] must be a profile name (a string)\n  - folderProfiles["C"]: "client" is reserved (it reads like part of an oauth2_* name): choose another',
      },
    );
  });

  it('checks the variable name map: our names only, real names, none of ours, none twice', () => {
    assert.deepEqual(
      checkBuildConfig({ variables: { oauth2_access_token: 'jwt', oauth2_client_id: 'client_id' } }, 'c.json'),
      { folderProfiles: {}, variables: { oauth2_access_token: 'jwt', oauth2_client_id: 'client_id' } },
    );
    assert.throws(
      () =>
        checkBuildConfig(
          {
            variables: {
              oauth2_token: 'x',
              oauth2_client_id: 'has space',
              oauth2_scope: 'oauth2_audience',
              oauth2_client_secret: 'jwt',
              oauth2_access_token: 'jwt',
            },
          },
          'c.json',
        ),
      (error: Error) => {
        assert.match(error.message, /variables\["oauth2_token"\]: not a name pm-oauth2 reads or writes/);
        assert.match(error.message, /variables\["oauth2_client_id"\] must be a variable name/);
        assert.match(error.message, /variables\["oauth2_scope"\]: "oauth2_audience" is one of pm-oauth2's own names/);
        assert.match(
          error.message,
          /variables\["oauth2_access_token"\] and variables\["oauth2_client_secret"\] both name "jwt"/,
        );
        return true;
      },
    );
  });

  it("with a name map, the default client reads and writes the team's names; profiles keep theirs and never borrow", () => {
    const renames = { oauth2_client_id: 'client_id', oauth2_client_secret: 'client_secret' };
    const values: Record<string, string> = { client_id: 'team', client_secret: 's', oauth2_admin_client_id: 'admin' };
    const read = (name: string) => values[name];
    assert.equal(profileReader(read, '', renames)('oauth2_client_id'), 'team');
    assert.equal(profileVariable('oauth2_client_secret', '', renames), 'client_secret');
    assert.equal(profileVariable('oauth2_client_secret', 'admin', renames), 'oauth2_admin_client_secret');
    assert.equal(
      profileReader(read, 'admin', renames)('oauth2_client_secret'),
      undefined,
      'the admin client never gets the team secret',
    );
    assert.equal(profileNameOf(read, '', renames)('oauth2_client_secret'), 'client_secret');
    // Passed as a value: nothing is left behind for the next reader.
    assert.equal(profileVariable('oauth2_client_secret', ''), 'oauth2_client_secret');
  });

  it("the script sets its collection's names once per execution; they are its default", () => {
    useVariableNames({ oauth2_client_id: 'client_id' });
    try {
      assert.equal(profileReader((name) => ({ client_id: 'team' })[name], '')('oauth2_client_id'), 'team');
    } finally {
      useVariableNames({});
    }
  });

  it("gives a mapped folder its profile's Bearer and writes the map and the profile's variables", async () => {
    const source = JSON.parse(await readFile('collections/two-profiles.postman_collection.json', 'utf8')) as Collection;
    const { collection } = embedScript(source, { secret: '//', jwt: '// jwt' }, { folderProfiles: { Admin: 'admin' } });
    assert.deepEqual(collection.item[1]?.auth, {
      type: 'bearer',
      bearer: [{ key: 'token', value: '{{oauth2_admin_access_token}}', type: 'string' }],
    });
    assert.equal(collection.item[0]?.auth, undefined);
    const variables = Object.fromEntries(collection.variable?.map((v) => [v.key, v.value]) ?? []);
    assert.equal(variables['oauth2_profiles'], '{"Admin":"admin"}');
    assert.ok('oauth2_admin_client_id' in variables && 'oauth2_admin_client_secret' in variables);
    const rebuilt = embedScript(collection, { secret: '//', jwt: '// jwt' }, { folderProfiles: { Admin: 'admin' } });
    assert.deepEqual(rebuilt.collection, collection, 'a rebuild is identical');
    assert.deepEqual(rebuilt.warnings, [], 'the profile folder is not reported as keeping its own auth');
  });

  it('keeps a collection with no auth and client credentials on folders only without a default client', async () => {
    const source = await graphCollection('http://127.0.0.1:1/token');
    const { collection, warnings } = embedScript(source, { secret: '//', jwt: '// jwt' });
    assert.deepEqual(collection.auth, { type: 'noauth' });
    const variables = Object.fromEntries(collection.variable?.map((v) => [v.key, v.value]) ?? []);
    assert.equal(variables['oauth2_profiles'], `{"Application":"application","":"${NO_CLIENT}"}`);
    assert.ok(
      !('oauth2_token_url' in variables) && !('oauth2_client_secret' in variables),
      'no default client asked for',
    );
    assert.ok(!Object.keys(variables).some((key) => key.includes(NO_CLIENT)));
    assert.ok(
      warnings.includes(
        'Microsoft Graph (folder-only client credentials): only folder(s) "Application" have client credentials, and the collection had no auth: the requests outside them are still sent without auth (no default client)',
      ),
      warnings.join('\n'),
    );
    const rebuilt = embedScript(collection, { secret: '//', jwt: '// jwt' });
    assert.deepEqual(rebuilt.collection, collection, 'a rebuild is identical');
  });

  it('gives the root a Bearer as before when the collection has a client of its own or a root auth', async () => {
    const withRootClient = await graphCollection('http://127.0.0.1:1/token');
    withRootClient.variable?.push({ key: 'oauth2_client_id', value: 'root-client' });
    const withRootAuth = await graphCollection('http://127.0.0.1:1/token');
    withRootAuth.auth = { type: 'apikey', apikey: [] };
    const configured = await graphCollection('http://127.0.0.1:1/token');
    for (const [source, options] of [
      [withRootClient, {}],
      [withRootAuth, {}],
      [configured, { folderProfiles: { Delegated: 'delegated' } }],
    ] as const) {
      const { collection } = embedScript(source, { secret: '//', jwt: '// jwt' }, options);
      assert.equal(collection.auth?.type, 'bearer');
      assert.ok(!String(collection.variable?.find((v) => v.key === 'oauth2_profiles')?.value).includes(NO_CLIENT));
    }
  });
});
