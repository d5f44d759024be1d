// Generator throughput: collections of growing size through the whole build (read, embed, write).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCollections } from '../../src/generator/build.js';
import { figure, type Figure } from './stats.js';

export interface GeneratorPoint {
  readonly requests: number;
  /** 'v2.0' for an export upgraded to v2.1 on the way. @default 'v2.1' */
  readonly format?: 'v2.0';
  readonly ms: Figure;
  readonly heapMb: number;
}

export async function benchGenerator(
  sizes: readonly number[],
  rounds: number,
  v20Sizes: readonly number[] = [],
): Promise<GeneratorPoint[]> {
  const dir = await mkdtemp(join(tmpdir(), 'pm-oauth2-bench-gen-'));
  try {
    const points: GeneratorPoint[] = [];
    const runs = [...sizes.map((size) => ({ size, v20: false })), ...v20Sizes.map((size) => ({ size, v20: true }))];
    for (const { size, v20 } of runs) {
      const input = join(dir, `c${size}${v20 ? '-v20' : ''}.json`);
      await writeFile(input, JSON.stringify(v20 ? asV20(bigCollection(size)) : bigCollection(size)));
      const times: number[] = [];
      let heap = 0;
      for (let r = 0; r < rounds; r++) {
        global.gc?.();
        const before = process.memoryUsage().heapUsed;
        const started = process.hrtime.bigint();
        const outcome = await buildCollections({ inputs: [input], outDir: join(dir, 'out') });
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
        heap = Math.max(heap, (process.memoryUsage().heapUsed - before) / 2 ** 20);
        if (outcome.failed.length) throw outcome.failed[0]?.error;
      }
      points.push({ requests: size, ms: figure(times), heapMb: heap, ...(v20 ? { format: 'v2.0' as const } : {}) });
    }
    return points;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The same as a v2.0 export: requests between the folders (the order an upgrade must keep), auth
 * params as objects, and url.raw that disagrees with its parts.
 */
function asV20(collection: { info: object; item: object[] }): object {
  return {
    ...collection,
    info: { ...collection.info, schema: 'https://schema.getpostman.com/json/collection/v2.0.0/collection.json' },
    item: collection.item.flatMap((folder, f) => [
      {
        name: `loose ${f}`,
        request: {
          method: 'GET',
          url: {
            raw: `{{api}}/loose/${f}?user={{user_email}}`,
            host: ['{{api}}'],
            path: ['loose', String(f)],
            query: [{ key: 'user', value: '' }],
          },
          auth: { type: 'basic', basic: { username: '{{u}}', password: '{{p}}' } },
        },
      },
      folder,
    ]),
  };
}

/** Folders of 100 requests, each with a test script, query and body: a realistic shape. */
function bigCollection(requests: number): { info: object; item: object[] } {
  const folders = Math.ceil(requests / 100);
  return {
    info: { name: `bench ${requests}`, schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
    item: Array.from({ length: folders }, (_, f) => ({
      name: `folder ${f}`,
      item: Array.from({ length: Math.min(100, requests - f * 100) }, (_, i) => ({
        name: `request ${f}-${i}`,
        event: [
          {
            listen: 'test',
            script: { type: 'text/javascript', exec: ["pm.test('200', () => pm.response.to.have.status(200));"] },
          },
        ],
        request: {
          method: i % 2 ? 'POST' : 'GET',
          auth: i % 10 === 0 ? { type: 'inherit' } : undefined,
          header: [{ key: 'Accept', value: 'application/json' }],
          body: i % 2 ? { mode: 'raw', raw: '{"a": 1}' } : undefined,
          url: {
            raw: `{{api}}/things/${i}?q=${f}`,
            host: ['{{api}}'],
            path: ['things', String(i)],
            query: [{ key: 'q', value: String(f) }],
          },
        },
      })),
    })),
  };
}
