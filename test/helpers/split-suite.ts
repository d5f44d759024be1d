// A suite to split: three collections whose request paths name their collection and folder, so the
// API's log shows which requests ran and how often.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_SCRIPT_PATHS, readScripts } from '../../src/generator/build.js';
import { embedScript } from '../../src/generator/embed.js';

const get = (name: string, url: string, test?: string) => ({
  name,
  request: { method: 'GET', url },
  ...(test ? { event: [{ listen: 'test', script: { type: 'text/javascript', exec: [test] } }] } : {}),
});
const folder = (name: string, items: object[]) => ({ name, item: items });
const OK = 'pm.test("200", () => pm.response.to.have.status(200));';

/** One of four folders (one chains a variable between its requests), one with loose requests (run whole), one of two folders: 17 requests. */
export function splitSuite(base: string): Record<string, { info: { name: string }; item: object[] }> {
  const path = (c: string, f: string, i: number) => `${base}/${c}/${f}/${i}`;
  const plain = (c: string, f: string, n: number) =>
    Array.from({ length: n }, (_, i) => get(`${f} ${i}`, path(c, f, i), OK));
  return {
    orders: {
      info: { name: 'Orders' },
      item: [
        folder('Chain', [
          get('set', path('orders', 'Chain', 0), `pm.collectionVariables.set("chained", "yes"); ${OK}`),
          get(
            'read',
            `${path('orders', 'Chain', 1)}?c={{chained}}`,
            'pm.test("the folder\'s variable", () => pm.expect(pm.request.url.query.get("c")).to.equal("yes"));',
          ),
        ]),
        ...['F2', 'F3', 'F4'].map((f, i) => folder(f, plain('orders', f, i + 1))),
      ],
    },
    loose: {
      info: { name: 'Loose' },
      item: [...plain('loose', 'top', 2), folder('Inner', plain('loose', 'Inner', 2))],
    },
    admin: {
      info: { name: 'Admin' },
      item: [folder('Users', plain('admin', 'Users', 3)), folder('Roles', plain('admin', 'Roles', 2))],
    },
  };
}

export const SPLIT_SUITE_REQUESTS = 17;

/** The suite built (the token script embedded) into a new folder `dir`. */
export async function writeSplitSuite(dir: string, base: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const scripts = await readScripts(DEFAULT_SCRIPT_PATHS);
  for (const [stem, collection] of Object.entries(splitSuite(base))) {
    await writeFile(
      join(dir, `${stem}.postman_collection.json`),
      JSON.stringify(embedScript(collection as never, scripts).collection),
    );
  }
}

/** A JUnit file's suites (name, tests, failures) and test cases, in order. */
export function junitShape(xml: string): string[] {
  return [
    ...xml.matchAll(/<testsuite name="([^"]*)"[^>]* tests="(\d+)" failures="(\d+)"|<testcase name="([^"]*)"/g),
  ].map((m) => m.slice(1).filter(Boolean).join(' '));
}
