import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { buildCollections, outputName } from '../../src/generator/build.js';
import type { Auth, Collection } from '../../src/generator/collection-types.js';
import { embedScript } from '../../src/generator/embed.js';
import { SCRIPT_ID, TEST_SCRIPT_ID } from '../../src/oauth/vocabulary.js';
import { GUARD_FIRST_LINE } from '../../src/generator/retry-guard.js';

const FIXTURES = 'test/fixtures/generator';
const SAMPLES = 'collections';
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

describe('the generator', () => {
  let dir: string;
  let scriptPaths: { secret: string; jwt: string };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pm-oauth2-gen-'));
    scriptPaths = { secret: join(dir, 'script.js'), jwt: join(dir, 'script-jwt.js') };
    await writeFile(scriptPaths.secret, '// pm-oauth2 test script\n(function () {})();\n');
    await writeFile(
      scriptPaths.jwt,
      '// pm-oauth2 test script\n// Client authentication: private_key_jwt\n(function () {})();\n',
    );
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const build = (inputs: string[], out = join(dir, 'out'), jwt = false) =>
    buildCollections({ inputs, outDir: out, scriptPaths, jwt });
  const readJson = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as Collection;

  describe('golden files', () => {
    for (const input of [
      `${FIXTURES}/mixed-auth.json`,
      `${FIXTURES}/v20-collection.json`,
      `${FIXTURES}/openapi.yaml`,
      `${FIXTURES}/literal-credentials.json`,
      `${FIXTURES}/v20-interleaved.json`,
      `${FIXTURES}/openapi-every-type.yaml`,
      `${FIXTURES}/graph-folder-only.json`,
      `${SAMPLES}/demo-api.postman_collection.json`,
      `${SAMPLES}/postman-oauth2-export.postman_collection.json`,
    ]) {
      it(`builds ${basename(input)} as the golden file says`, async () => {
        const outcome = await build([input]);
        assert.deepEqual(outcome.failed, []);
        const built = await readFile(outcome.built[0]?.output ?? '', 'utf8');
        const golden = join(FIXTURES, 'golden', outputName(input));
        if (UPDATE) await writeFile(golden, built);
        assert.equal(
          built,
          await readFile(golden, 'utf8'),
          `run UPDATE_GOLDEN=1 npx mocha to accept a deliberate change of ${golden}`,
        );
      });
    }
  });

  it('is deterministic and idempotent: a build of a build is byte-identical', async () => {
    const first = await build([FIXTURES, SAMPLES], join(dir, 'first'));
    const again = await build([FIXTURES, SAMPLES], join(dir, 'again'));
    const ofBuild = await build([join(dir, 'first')], join(dir, 'rebuilt'));
    assert.equal(first.built.length, 10);
    for (const [i, built] of first.built.entries()) {
      const text = await readFile(built.output, 'utf8');
      assert.equal(await readFile(again.built[i]?.output ?? '', 'utf8'), text);
      assert.equal(await readFile(join(dir, 'rebuilt', basename(built.output)), 'utf8'), text);
    }
    assert.equal(ofBuild.failed.length, 0);
  });

  it("puts the script first among the root events, once, and keeps the user's after it in order", async () => {
    const [built] = (await build([`${FIXTURES}/mixed-auth.json`])).built;
    const rebuilt = (await build([built?.output ?? ''], join(dir, 'again'))).built[0];
    const collection = await readJson(rebuilt?.output ?? '');
    assert.deepEqual(
      collection.event?.map((e) => [e.listen, e.script?.id ?? e.script?.exec]),
      [
        ['prerequest', SCRIPT_ID],
        ['test', ['// root test']],
        ['prerequest', ["// user's root pre-request"]],
      ],
    );
    assert.deepEqual(collection.auth, {
      type: 'bearer',
      bearer: [{ key: 'token', value: '{{oauth2_access_token}}', type: 'string' }],
    });
  });

  it("with retry on 401: the script is also the first test script, the user's tests are guarded; a rebuild without takes both off", async () => {
    const [built] = (
      await buildCollections({
        inputs: [`${FIXTURES}/mixed-auth.json`],
        outDir: join(dir, 'retry'),
        scriptPaths,
        retryOn401: true,
      })
    ).built;
    const withRetry = await readJson(built?.output ?? '');
    assert.deepEqual(
      withRetry.event?.map((e) => [e.listen, e.script?.id ?? e.script?.exec]),
      [
        ['prerequest', SCRIPT_ID],
        ['test', TEST_SCRIPT_ID],
        [
          'test',
          [
            GUARD_FIRST_LINE,
            "if (pm.variables.get('oauth2_retrying_request') !== pm.info.requestId + ':' + pm.info.iteration) {",
            '// root test',
            '}',
          ],
        ],
        ['prerequest', ["// user's root pre-request"]],
      ],
    );
    const [plain] = (await build([built?.output ?? ''], join(dir, 'plain'))).built;
    const [fresh] = (await build([`${FIXTURES}/mixed-auth.json`], join(dir, 'fresh'))).built;
    assert.equal(
      await readFile(plain?.output ?? '', 'utf8'),
      await readFile(fresh?.output ?? '', 'utf8'),
      'the guards and our test event are gone again',
    );
  });

  it('makes inherit mean inheritance, keeps own auth and custom fields, and warns once per kind', async () => {
    const [built] = (await build([`${FIXTURES}/mixed-auth.json`])).built;
    const collection = await readJson(built?.output ?? '');
    const admin = collection.item[0];
    const inherit = admin?.item?.[1] as { request: { auth?: unknown }; 'x-custom': boolean };
    assert.equal(inherit.request.auth, undefined);
    assert.equal(inherit['x-custom'], true);
    assert.equal(collection.info['x-team'], 'payments');
    assert.equal((admin?.item?.[0]?.request as { auth: { type: string } } | undefined)?.auth.type, 'basic');
    assert.deepEqual(built?.warnings, [
      "Mixed auth: the collection's apikey auth was replaced by Bearer {{oauth2_access_token}}",
      'Mixed auth: folder "Partner": the token request parameter "x-header" is sent as request_header, which pm-oauth2 cannot do; it was left out — send it in the body (oauth2_extra_params) if the server accepts that',
      'Mixed auth: folder "Admin" uses OAuth 2.0 with the authorization_code grant, which pm-oauth2 does not run; it was left as it is',
      'Mixed auth: the collection holds several OAuth 2.0 settings; folder "Partner" became credential profile partner (set oauth2_partner_client_secret) — add them to pm-oauth2.config.json\'s folderProfiles to choose the names',
      'Mixed auth: 2 folder(s) or request(s) keep their own auth and will not get the token: Admin (oauth2), Admin/Basic legacy (basic)',
      'Mixed auth: the collection variable oauth2_client_secret held a value; it was emptied in the build — set oauth2_client_secret in the environment (in CI: export OAUTH2_CLIENT_SECRET)',
      'Mixed auth: the collection variable oauth2_access_token held a value; it was emptied in the build',
    ]);
  });

  it('converts Postman OAuth 2.0 client credentials settings, keeping references and never a literal secret', async () => {
    const [built] = (await build([`${SAMPLES}/postman-oauth2-export.postman_collection.json`])).built;
    const text = await readFile(built?.output ?? '', 'utf8');
    assert.ok(!text.includes('pasted-into-postman-by-someone'), 'the literal secret is not in the build');
    const variables = Object.fromEntries((JSON.parse(text) as Collection).variable?.map((v) => [v.key, v.value]) ?? []);
    assert.deepEqual(
      { ...variables, api_base_url: undefined, auth_base_url: undefined },
      {
        api_base_url: undefined,
        auth_base_url: undefined,
        oauth2_token_url: '{{auth_base_url}}/token',
        oauth2_client_id: 'demo-client',
        oauth2_client_secret: '',
        oauth2_client_auth: 'client_secret_basic',
        oauth2_scope: 'api:read',
        oauth2_audience: '',
        oauth2_resource: 'urn:pm-oauth2:demo-api',
        oauth2_extra_params: '',
        oauth2_refresh_margin: '',
        oauth2_token_timeout: '',
        oauth2_retry_on_401: '',
      },
    );
    assert.match(
      built?.warnings.join('\n') ?? '',
      /literal client secret; it was not copied into the build — set oauth2_client_secret/,
    );
  });

  it('builds an OpenAPI document byte for byte the same every time, faked examples included, and maps a per-operation client credentials flow', async () => {
    const input = `${FIXTURES}/openapi-every-type.yaml`;
    const real = { Date, random: Math.random };
    // Two builds at once, as a consumer's tooling may run them.
    const texts = await Promise.all(
      [1, 2].map(async (n) => readFile((await build([input], join(dir, `oa${n}`))).built[0]?.output ?? '', 'utf8')),
    );
    assert.equal(texts[0], texts[1]);
    assert.match(texts[0] ?? '', /\\"createdAt\\": \\"1/, 'the examples are faked (else this proves nothing)');
    const variables = Object.fromEntries(
      (JSON.parse(texts[0] ?? '{}') as Collection).variable?.map((v) => [v.key, v.value]) ?? [],
    );
    assert.equal(variables['oauth2_token_url'], 'https://idp.example.com/oauth2/token');
    assert.equal(variables['oauth2_scope'], 'things:read');
    // A fixed clock agrees with itself: compare with the monotonic clock, and the objects themselves.
    assert.ok(
      Math.abs(Date.now() - (performance.timeOrigin + performance.now())) < 1000,
      'the real clock is back after the conversion',
    );
    assert.equal(Date, real.Date);
    assert.equal(Math.random, real.random);
  });

  it("several OAuth 2.0 settings: each folder's client credentials become a profile filled from its settings; one alone fills the defaults", async () => {
    const [built] = (await build([`${FIXTURES}/mixed-auth.json`])).built;
    const collection = await readJson(built?.output ?? '');
    const partner = collection.item.find((i) => i.name === 'Partner');
    assert.deepEqual(partner?.auth, {
      type: 'bearer',
      bearer: [{ key: 'token', value: '{{oauth2_partner_access_token}}', type: 'string' }],
    });
    const variables = Object.fromEntries(collection.variable?.map((v) => [v.key, v.value]) ?? []);
    assert.equal(variables['oauth2_profiles'], '{"Partner":"partner"}');
    assert.match(String(variables['oauth2_partner_token_url']), /^https?:\/\//);
    assert.equal(variables['oauth2_token_url'], '', 'the default variables are not filled from the folder');
    const single = (await build([`${SAMPLES}/postman-oauth2-export.postman_collection.json`], join(dir, 'single')))
      .built[0];
    const singleVariables = Object.fromEntries(
      (await readJson(single?.output ?? '')).variable?.map((v) => [v.key, v.value]) ?? [],
    );
    assert.equal(singleVariables['oauth2_profiles'], undefined);
    assert.equal(singleVariables['oauth2_token_url'], '{{auth_base_url}}/token');
  });

  it('upgrades v2.0 to v2.1 keeping the item order, url.raw, ids and custom fields; only auth params change shape', async () => {
    const source = JSON.parse(await readFile(`${FIXTURES}/v20-interleaved.json`, 'utf8')) as Collection;
    const [built] = (await build([`${FIXTURES}/v20-interleaved.json`])).built;
    const collection = await readJson(built?.output ?? '');
    const names = (items: Collection['item']): unknown[] =>
      items.map((i) => (i.item ? [i.name, names(i.item)] : i.name));
    assert.deepEqual(names(collection.item), names(source.item));
    const first = collection.item[0];
    assert.equal(
      (first?.request as { url: { raw: string } } | undefined)?.url.raw,
      '{{api_base_url}}/users?username={{user_email}}&active',
    );
    assert.equal(first?.['x-team-note'], 'custom fields survive');
    assert.equal(collection.info['_postman_id'], '5f0c2a52-0000-4000-8000-000000000020');
    assert.equal(collection.info.schema, 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json');
    assert.deepEqual((collection.item[2]?.request as { auth: object } | undefined)?.auth, {
      type: 'basic',
      basic: [
        { key: 'username', value: '{{basic_user}}', type: 'string' },
        { key: 'password', value: '{{basic_password}}', type: 'string' },
        { key: 'showPassword', value: false, type: 'any' },
      ],
    });
  });

  it('empties literal secrets and cached tokens in the auth of every folder and request, naming where, and keeps references', async () => {
    const [built] = (await build([`${FIXTURES}/literal-credentials.json`])).built;
    const text = await readFile(built?.output ?? '', 'utf8');
    for (const literal of [
      'folder-literal-password',
      'request-literal-client-secret',
      'request-literal-password',
      'cached-access-token-0123456789',
      'literal-api-key-value',
    ]) {
      assert.ok(!text.includes(literal), `${literal} is in the build`);
    }
    for (const kept of ['{{refresh_token}}', '{{partner_token}}', 'legacy-client', '"alice"', 'X-Api-Key'])
      assert.ok(text.includes(kept), `${kept} was lost`);
    const warnings = built?.warnings.join('\n') ?? '';
    assert.match(
      warnings,
      /folder "Legacy" held a literal password in its basic auth; emptied in the build — put it in a \{\{variable\}\}/,
    );
    assert.match(
      warnings,
      /request "Legacy\/Password grant" held a literal clientSecret, password, accessToken in its oauth2 auth; emptied/,
    );
    assert.match(warnings, /request "Legacy\/API key" held a literal value in its apikey auth; emptied/);
    assert.doesNotMatch(warnings, /Own bearer by reference" held/);
  });

  it('maps the client authentication, audience and other token parameters', () => {
    const partner = (auth: object): Collection => ({ info: { name: 'x' }, item: [], auth: auth as Auth });
    const { collection } = embedScript(
      partner({
        type: 'oauth2',
        oauth2: [
          { key: 'grant_type', value: 'client_credentials' },
          { key: 'client_authentication', value: 'body' },
          { key: 'clientSecret', value: '{{vault_secret}}' },
          {
            key: 'tokenRequestParams',
            value: [
              { key: 'audience', value: 'https://api' },
              { key: 'tenant', value: '{{t}} & co' },
            ],
          },
        ],
      }),
      { secret: '//', jwt: '// jwt' },
    );
    const variables = Object.fromEntries(collection.variable?.map((v) => [v.key, v.value]) ?? []);
    assert.equal(variables['oauth2_client_auth'], 'client_secret_post');
    assert.equal(variables['oauth2_client_secret'], '{{vault_secret}}');
    assert.equal(variables['oauth2_audience'], 'https://api');
    assert.equal(variables['oauth2_extra_params'], 'tenant={{t}}+%26+co');
  });

  describe('bad inputs: a clear error each, the others still built, nothing half-written', () => {
    const cases: Array<[file: string, content: string | undefined, code: string, message: RegExp]> = [
      ['not-json.json', '{"info": ', 'INPUT_NOT_JSON', /not-json\.json: not JSON \(.*\) — export the collection again/],
      [
        'array.json',
        '[1, 2]',
        'INPUT_NOT_COLLECTION',
        /array\.json: not a Postman collection \(the JSON is not an object\)/,
      ],
      ['no-items.json', '{"info": {"name": "x"}}', 'INPUT_NOT_COLLECTION', /needs "info" and an "item" list/],
      [
        'env.json',
        '{"name": "qa", "values": [], "_postman_variable_scope": "environment"}',
        'INPUT_NOT_COLLECTION',
        /a Postman environment, not a collection — pass it to pm-oauth2 run --env/,
      ],
      [
        'v1.json',
        '{"id": "1", "name": "old", "order": [], "requests": []}',
        'INPUT_POSTMAN_V1',
        /a Postman v1 collection.*export it as Collection v2\.1/,
      ],
      [
        'spec.yaml',
        'openapi: 3.0.0\ninfo: [not, valid]\npaths: 7\n',
        'INPUT_OPENAPI_INVALID',
        /spec\.yaml: not a valid OpenAPI document/,
      ],
      ['missing.json', undefined, 'INPUT_UNREADABLE', /missing\.json: does not exist — check the path/],
    ];
    for (const [file, content, code, message] of cases) {
      it(`${file}: ${code}`, async () => {
        const bad = join(dir, file);
        if (content !== undefined) await writeFile(bad, content);
        const outcome = await build([bad, `${SAMPLES}/demo-api.postman_collection.json`]);
        assert.equal(outcome.failed.length, 1);
        assert.equal(outcome.failed[0]?.error.code, code);
        assert.match(outcome.failed[0]?.error.message ?? '', message);
        assert.deepEqual(await readdir(join(dir, 'out')), ['demo-api.postman_collection.json']);
      });
    }
  });

  it('refuses two inputs that would overwrite each other', async () => {
    await writeFile(join(dir, 'a.json'), await readFile(`${SAMPLES}/demo-api.postman_collection.json`));
    await writeFile(
      join(dir, 'a.postman_collection.json'),
      await readFile(`${SAMPLES}/demo-api.postman_collection.json`),
    );
    const outcome = await build([join(dir, 'a.json'), join(dir, 'a.postman_collection.json')]);
    assert.equal(outcome.built.length, 1);
    assert.match(
      outcome.failed[0]?.error.message ?? '',
      /would be built to .*a\.postman_collection\.json, like .*a\.json — rename one/,
    );
  });

  it('says how to build the script when it is missing', async () => {
    await assert.rejects(
      buildCollections({
        inputs: [SAMPLES],
        outDir: dir,
        scriptPaths: { secret: join(dir, 'nope.js'), jwt: join(dir, 'nope.js') },
      }),
      { code: 'SCRIPT_NOT_BUILT', message: /run npm run script:build/ },
    );
  });

  it('embeds the JWT variant where the collection names a JWT method, or when asked', async () => {
    const source = JSON.parse(await readFile(`${SAMPLES}/demo-api.postman_collection.json`, 'utf8')) as Collection;
    source.variable = [{ key: 'oauth2_client_auth', value: 'private_key_jwt' }];
    await writeFile(join(dir, 'jwt.json'), JSON.stringify(source));
    const scriptOf = async (output: string) => (await readJson(output)).event?.[0]?.script?.exec;
    const named = (await build([join(dir, 'jwt.json')])).built[0];
    assert.deepEqual(await scriptOf(named?.output ?? ''), [
      '// pm-oauth2 test script',
      '// Client authentication: private_key_jwt',
      '(function () {})();',
    ]);
    const plain = (await build([`${SAMPLES}/demo-api.postman_collection.json`], join(dir, 'plain'))).built[0];
    assert.equal((await scriptOf(plain?.output ?? ''))?.length, 2);
    const forced = (await build([`${SAMPLES}/demo-api.postman_collection.json`], join(dir, 'forced'), true)).built[0];
    assert.equal((await scriptOf(forced?.output ?? ''))?.length, 3);
  });
});
