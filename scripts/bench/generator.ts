// Generator throughput: collections of growing size through the whole build (read, embed, write).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCollections } from '../../src/generator/build.js';
import { figure, type Figure } from './stats.js';

export interface GeneratorPoint {
  readonly requests: number;
  readonly ms: Figure;
  readonly heapMb: number;
}

export async function benchGenerator(sizes: readonly number[], rounds: number): Promise<GeneratorPoint[]> {
  const dir = await mkdtemp(join(tmpdir(), 'pm-oauth2-bench-gen-'));
  try {
    const points: GeneratorPoint[] = [];
    for (const size of sizes) {
      const input = join(dir, `c${size}.json`);
      await writeFile(input, JSON.stringify(bigCollection(size)));
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
      points.push({ requests: size, ms: figure(times), heapMb: heap });
    }
    return points;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Folders of 100 requests, each with a test script, query and body: a realistic shape. */
function bigCollection(requests: number): object {
  const folders = Math.ceil(requests / 100);
  return {
    info: { name: `bench ${requests}`, schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
    item: Array.from({ length: folders }, (_, f) => ({
      name: `folder ${f}`,
      item: Array.from({ length: Math.min(100, requests - f * 100) }, (_, i) => ({
        name: `request ${f}-${i}`,
        event: [{ listen: 'test', script: { type: 'text/javascript', exec: ["pm.test('200', () => pm.response.to.have.status(200));"] } }],
        request: {
          method: i % 2 ? 'POST' : 'GET',
          auth: i % 10 === 0 ? { type: 'inherit' } : undefined,
          header: [{ key: 'Accept', value: 'application/json' }],
          body: i % 2 ? { mode: 'raw', raw: '{"a": 1}' } : undefined,
          url: { raw: `{{api}}/things/${i}?q=${f}`, host: ['{{api}}'], path: ['things', String(i)], query: [{ key: 'q', value: String(f) }] },
        },
      })),
    })),
  };
}
