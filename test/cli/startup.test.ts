import assert from 'node:assert/strict';
import { runProcess } from '../helpers/process.js';

const MAIN = new URL('../../dist/cli/main.js', import.meta.url).href;

/** Runs one command in a fresh process and lists the npm packages it loaded (CommonJS ones register in require's cache). */
async function packagesLoadedBy(args: readonly string[]): Promise<string[]> {
  const code = `
    const { main } = await import(${JSON.stringify(MAIN)});
    await main(${JSON.stringify(args)}, { out() {}, err() {} });
    const { createRequire } = await import('node:module');
    const names = Object.keys(createRequire(import.meta.url).cache).map((k) => /node_modules\\/((@[^/]+\\/)?[^/]+)/.exec(k)?.[1]).filter(Boolean);
    process.stdout.write(JSON.stringify([...new Set(names)]));`;
  const result = await runProcess(process.execPath, ['--input-type=module', '-e', code]);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout.slice(result.stdout.lastIndexOf('['))) as string[];
}

describe('start-up: a command loads only what it uses', function () {
  this.timeout(30_000);
  const HEAVY = [
    'newman',
    'postman-runtime',
    'oidc-provider',
    'openapi-to-postmanv2',
    'yaml',
    'https-proxy-agent',
    'http-proxy-agent',
  ];
  /** What only some commands need: --help and decode need none of it. */
  const COMMAND_ONLY = ['postman-collection', 'dotenv', 'moment'];

  for (const args of [['--help'], ['decode', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln']]) {
    it(`pm-oauth2 ${args.join(' ')} loads none of ${[...HEAVY, ...COMMAND_ONLY].join(', ')}`, async () => {
      const loaded = await packagesLoadedBy(args);
      assert.deepEqual(
        loaded.filter((name) => [...HEAVY, ...COMMAND_ONLY].includes(name)),
        [],
      );
    });
  }

  for (const args of [
    ['run', '--help'],
    ['servers', '--help'],
    ['build', '--help'],
  ]) {
    it(`pm-oauth2 ${args.join(' ')} loads none of ${HEAVY.join(', ')}`, async () => {
      const loaded = await packagesLoadedBy(args);
      assert.deepEqual(
        loaded.filter((name) => HEAVY.includes(name)),
        [],
      );
    });
  }
});
