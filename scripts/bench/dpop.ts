// What a DPoP proof costs per request: the same N requests in Newman with the signing variant of the
// script, run alternately with a Bearer token and with a DPoP token (a proof signed in the sandbox
// for every request, ES256 and RS256), and the same proof signed in Node, as `pm-oauth2 run` signs it.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import newman from 'newman';
import { nodeProofs } from '../../src/runner/node-dpop.js';
import { figure, type Figure } from './stats.js';

export interface DpopResult {
  /** Newman, per request: the signing variant with a Bearer token, and with DPoP proofs. */
  readonly perRequestMs: { readonly bearer: Figure; readonly es256: Figure; readonly rs256: Figure };
  /** What a proof adds per request in the sandbox (the per-round difference to Bearer). */
  readonly addedMs: { readonly es256: Figure; readonly rs256: Figure };
  /** One ES256 proof signed in Node. */
  readonly nodeProofMs: Figure;
}

export async function benchDpop(script: string, requests: number, rounds: number): Promise<DpopResult> {
  const server = createServer((req, res) => {
    if (req.url === '/token') {
      const dpop = !!req.headers['dpop'];
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ access_token: 'bench-token', token_type: dpop ? 'DPoP' : 'Bearer', expires_in: 3600 }));
    } else res.writeHead(200).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const collection = {
    info: { name: 'dpop bench', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
    auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{oauth2_access_token}}', type: 'string' }] },
    event: [{ listen: 'prerequest', script: { exec: script.split('\n') } }],
    item: Array.from({ length: requests }, (_, i) => ({
      name: `r${i}`,
      request: { method: 'GET', url: `${base}/api/${i}?q=1` },
    })),
  };
  const key = (type: 'ec' | 'rsa') =>
    (type === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 })
    ).privateKey
      .export({ type: 'pkcs8', format: 'pem' })
      .toString();
  const environment = (extra: Array<[string, string]>) => ({
    name: 'bench',
    values: [
      ['oauth2_token_url', `${base}/token`],
      ['oauth2_client_id', 'bench'],
      ['oauth2_client_secret', 'bench-secret'],
      ...extra,
    ].map(([k, value]) => ({ key: k, value, enabled: true })),
  });
  const variants = {
    bearer: environment([]),
    es256: environment([
      ['oauth2_dpop', 'true'],
      ['oauth2_dpop_key', key('ec')],
    ]),
    rs256: environment([
      ['oauth2_dpop', 'true'],
      ['oauth2_dpop_key', key('rsa')],
    ]),
  };
  const samples = { bearer: [] as number[], es256: [] as number[], rs256: [] as number[] };
  const added = { es256: [] as number[], rs256: [] as number[] };
  try {
    await run(collection, variants.es256);
    for (let round = 0; round < rounds; round++) {
      const times = {
        bearer: await run(collection, variants.bearer),
        es256: await run(collection, variants.es256),
        rs256: await run(collection, variants.rs256),
      };
      for (const name of ['bearer', 'es256', 'rs256'] as const) samples[name].push(times[name] / requests);
      added.es256.push((times.es256 - times.bearer) / requests);
      added.rs256.push((times.rs256 - times.bearer) / requests);
    }
  } finally {
    server.close();
  }
  return {
    perRequestMs: { bearer: figure(samples.bearer), es256: figure(samples.es256), rs256: figure(samples.rs256) },
    addedMs: { es256: figure(added.es256), rs256: figure(added.rs256) },
    nodeProofMs: nodeProofTime(key('ec')),
  };
}

function nodeProofTime(privateKey: string): Figure {
  const times: number[] = [];
  for (let round = 0; round < 7; round++) {
    const started = performance.now();
    for (let i = 0; i < 1000; i++)
      nodeProofs(privateKey, { htm: 'GET', htu: 'https://api.example/items', accessToken: 'bench-token' });
    times.push((performance.now() - started) / 1000);
  }
  return figure(times);
}

async function run(collection: object, environment: object): Promise<number> {
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    newman.run({ collection, environment, reporters: [] } as newman.NewmanRunOptions, (error, summary) => {
      if (error) return reject(error);
      const failures = summary.run.failures.length;
      return failures
        ? reject(new Error(`the DPoP bench run failed: ${summary.run.failures[0]?.error.message}`))
        : resolve();
    });
  });
  return performance.now() - started;
}
