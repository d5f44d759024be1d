// The cost the script adds before every request: the same N requests, run alternately in one
// process, with (a) a static token and no script, (b) an empty root pre-request script, (c) our
// script with a cached token; and (b') an empty script that, like ours, starts with the sandbox's
// non-legacy marker: the honest floor for what our own code costs.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import newman from 'newman';
import { NON_LEGACY_MARKER } from '../build-script.js';
import { benchEnvironment } from './whole-process.js';
import { figure, type Figure } from './stats.js';

export interface HotPathResult {
  readonly perRequestMs: {
    readonly static: Figure;
    readonly empty: Figure;
    readonly emptyNonLegacy: Figure;
    readonly ours: Figure;
  };
  /** Medians of the per-round ratios. */
  readonly oursOverEmpty: Figure;
  readonly oursOverEmptyNonLegacy: Figure;
  readonly oursOverStatic: Figure;
  readonly tokenRequests: number;
}

export async function benchHotPath(script: string, requests: number, rounds: number): Promise<HotPathResult> {
  let tokenRequests = 0;
  const server = createServer((req, res) => {
    if (req.url === '/token') {
      tokenRequests++;
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ access_token: 'bench-token', token_type: 'Bearer', expires_in: 3600 }));
    } else res.writeHead(200).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const variants = {
    static: collection(base, requests, undefined, 'bench-token'),
    // The empty scripts sign with the same {{variable}} Bearer as ours, so only the script differs.
    empty: collection(base, requests, '// empty', '{{oauth2_access_token}}'),
    emptyNonLegacy: collection(base, requests, `${NON_LEGACY_MARKER}\n// empty`, '{{oauth2_access_token}}'),
    ours: collection(base, requests, script, '{{oauth2_access_token}}'),
  };
  // The token is preset for the empty scripts; ours, which cannot know it was fetched for these
  // credentials, fetches its own once per run (1 token request per N requests).
  const environment = benchEnvironment(base);
  const samples = {
    static: [] as number[],
    empty: [] as number[],
    emptyNonLegacy: [] as number[],
    ours: [] as number[],
  };
  const ratios = { empty: [] as number[], emptyNonLegacy: [] as number[], static: [] as number[] };
  try {
    await run(variants.ours, environment); // warm-up: JIT, sockets, and the one token request
    const order = ['static', 'empty', 'emptyNonLegacy', 'ours'] as const;
    for (let round = 0; round < rounds; round++) {
      // Each round starts with another variant, and each run with a collected heap: a variant that
      // always ran last, after three runs' garbage, would be charged for their collections.
      const times = { static: 0, empty: 0, emptyNonLegacy: 0, ours: 0 };
      for (let i = 0; i < order.length; i++) {
        const key = order[(round + i) % order.length] ?? 'static';
        global.gc?.();
        times[key] = await run(variants[key], environment);
      }
      for (const key of order) samples[key].push(times[key] / requests);
      ratios.empty.push(times.ours / times.empty);
      ratios.emptyNonLegacy.push(times.ours / times.emptyNonLegacy);
      ratios.static.push(times.ours / times.static);
    }
  } finally {
    server.close();
  }
  return {
    perRequestMs: {
      static: figure(samples.static),
      empty: figure(samples.empty),
      emptyNonLegacy: figure(samples.emptyNonLegacy),
      ours: figure(samples.ours),
    },
    oursOverEmpty: figure(ratios.empty),
    oursOverEmptyNonLegacy: figure(ratios.emptyNonLegacy),
    oursOverStatic: figure(ratios.static),
    tokenRequests,
  };
}

function collection(base: string, requests: number, script: string | undefined, token: string): object {
  return {
    info: { name: 'bench', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
    auth: { type: 'bearer', bearer: [{ key: 'token', value: token, type: 'string' }] },
    event: script ? [{ listen: 'prerequest', script: { exec: script.split('\n') } }] : [],
    item: [{ name: 'r', request: { method: 'GET', url: `${base}/api/x` } }],
    // One item, many iterations: the same request N times without a giant collection.
    _iterations: requests,
  };
}

async function run(collection: object, environment: object): Promise<number> {
  const started = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    newman.run(
      {
        collection,
        environment,
        reporters: [],
        iterationCount: (collection as { _iterations: number })._iterations,
      } as newman.NewmanRunOptions,
      (error) => (error ? reject(error) : resolve()),
    );
  });
  return Number(process.hrtime.bigint() - started) / 1e6;
}
