// What the opt-in post-response script (renew and retry on 401 in plain Newman and the app) costs,
// with a 100 KB response body, which the sandbox receives whole for every request: the built
// collection (pre-request only, the default) against the same with --retry-on-401, and an empty
// pre-request script as the floor. In-process Newman runs, alternating.
import type { AddressInfo } from 'node:net';
import newman from 'newman';
import { embedScript, type ScriptVariants } from '../../src/generator/embed.js';
import { figure, type Figure } from './stats.js';
import { listen, benchEnvironment } from './whole-process.js';

export interface PostResponseResult {
  readonly bodyBytes: number;
  readonly perRequestMs: { readonly empty: Figure; readonly built: Figure; readonly withRetry: Figure };
  /** built ÷ empty and withRetry ÷ built, per round. */
  readonly builtOverEmpty: Figure;
  readonly retryOverBuilt: Figure;
}

export async function benchPostResponse(
  scripts: ScriptVariants,
  requests: number,
  rounds: number,
): Promise<PostResponseResult> {
  const body = JSON.stringify({
    items: Array.from({ length: 1000 }, (_, i) => ({ id: i, name: `item ${i}`, text: 'x'.repeat(70) })),
  });
  const server = await listen((url) =>
    url === '/token' ? JSON.stringify({ access_token: 'bench-token', token_type: 'Bearer', expires_in: 3600 }) : body,
  );
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const source = {
    info: { name: 'bench', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
    item: [{ name: 'r', request: { method: 'GET', url: `${base}/api/x` } }],
  };
  const built = embedScript(source, scripts).collection;
  const variants = {
    empty: { ...built, event: [{ listen: 'prerequest', script: { exec: ['// empty'] } }] },
    built,
    withRetry: embedScript(source, scripts, { retryOn401: true }).collection,
  };
  const environment = benchEnvironment(base);
  const samples = {
    empty: [] as number[],
    built: [] as number[],
    withRetry: [] as number[],
    builtOverEmpty: [] as number[],
    retryOverBuilt: [] as number[],
  };
  try {
    await run(variants.withRetry, environment, requests);
    for (let round = 0; round < rounds; round++) {
      const times = {
        empty: await run(variants.empty, environment, requests),
        built: await run(variants.built, environment, requests),
        withRetry: await run(variants.withRetry, environment, requests),
      };
      for (const key of ['empty', 'built', 'withRetry'] as const) samples[key].push(times[key] / requests);
      samples.builtOverEmpty.push(times.built / times.empty);
      samples.retryOverBuilt.push(times.withRetry / times.built);
    }
  } finally {
    server.close();
  }
  return {
    bodyBytes: body.length,
    perRequestMs: { empty: figure(samples.empty), built: figure(samples.built), withRetry: figure(samples.withRetry) },
    builtOverEmpty: figure(samples.builtOverEmpty),
    retryOverBuilt: figure(samples.retryOverBuilt),
  };
}

async function run(collection: object, environment: object, requests: number): Promise<number> {
  const started = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    newman.run(
      { collection, environment, reporters: [], iterationCount: requests } as newman.NewmanRunOptions,
      (error) => (error ? reject(error) : resolve()),
    );
  });
  return Number(process.hrtime.bigint() - started) / 1e6;
}
