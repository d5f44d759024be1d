import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Script } from 'node:vm';
import { buildScript, JWT_SCRIPT_PATH, NON_LEGACY_MARKER } from '../../scripts/build-script.js';
import { embedScript } from '../../src/generator/embed.js';
import type { Collection } from '../../src/generator/collection-types.js';
import { CACHE_VARIABLES, VARIABLES } from '../../src/oauth/vocabulary.js';

describe('the pasteable script (dist/prerequest.js and dist/prerequest-jwt.js)', () => {
  let variants: Array<[name: string, text: string]>;
  before(async () => {
    const secret = await buildScript();
    variants = [
      ['prerequest.js', secret],
      ['prerequest-jwt.js', await readFile(JWT_SCRIPT_PATH, 'utf8')],
    ];
  });

  it('starts with the non-legacy marker, exactly as the sandbox compares it (its first 15 characters)', () => {
    for (const [name, text] of variants) assert.equal(text.slice(0, 15), NON_LEGACY_MARKER, name);
  });

  it('has a banner naming the project, its version, the methods, and every variable it reads and writes', async () => {
    const { version } = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    for (const [name, text] of variants) {
      const banner = text
        .split('\n')
        .filter((line) => line.startsWith('//'))
        .join('\n');
      assert.match(banner, new RegExp(`^// pm-oauth2 ${version.replace(/\./g, '\\.')}: `), name);
      for (const variable of [...Object.values(VARIABLES), ...Object.values(CACHE_VARIABLES)])
        assert.ok(banner.includes(variable), `${name} names ${variable}`);
    }
    assert.match(variants[1]?.[1] ?? '', /Client authentication: .*private_key_jwt/);
  });

  it("is one script with no top-level declarations to collide with the sandbox's globals, and compiles", () => {
    for (const [name, text] of variants) {
      const code = text
        .split('\n')
        .filter((line) => !line.startsWith('//') && line !== NON_LEGACY_MARKER)
        .join('\n')
        .trim();
      assert.ok(code.startsWith('(function (sandboxRequire) {'), name);
      assert.ok(code.endsWith('})(require);'), name);
      assert.doesNotThrow(() => new Script(text, { filename: name }), name);
    }
  });

  it('leaves the DPoP code out of the small variant, which runs before every request (its size is its cost), and keeps it in the signing one', () => {
    // Text that only the DPoP half contains: the API's nonce retry and the Bearer check (src/script/dpop.ts),
    // and the resource server's nonce request (src/oauth/dpop/nonce.ts).
    const dpopOnly = ['goes again with it', 'keeps a value in a scope the script cannot override', 'use_dpop_nonce/i'];
    const [[, small = ''] = [], [, jwt = ''] = []] = variants;
    for (const text of dpopOnly) {
      assert.ok(jwt.includes(text), `prerequest-jwt.js has ${text}`);
      assert.ok(!small.includes(text), `prerequest.js has no ${text}`);
    }
  });

  it('is pure ASCII, so that the engines hold it as a one-byte string (every request carries it into the sandbox)', () => {
    for (const [name, text] of variants) assert.doesNotMatch(text, /[^\x00-\x7f]/, name);
  });

  it('keeps the marker first when embedded in a collection, in both events', () => {
    const collection: Collection = {
      info: { name: 'c', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
      item: [],
    } as unknown as Collection;
    const [secret, jwt] = variants.map(([, text]) => text.trimEnd());
    const { collection: built } = embedScript(
      collection,
      { secret: secret ?? '', jwt: jwt ?? '' },
      { retryOn401: true },
    );
    const events = built.event ?? [];
    assert.deepEqual(
      events.map((e) => e.listen),
      ['prerequest', 'test'],
    );
    for (const event of events) assert.equal((event.script?.exec as string[] | undefined)?.[0], NON_LEGACY_MARKER);
  });
});
