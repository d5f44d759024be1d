// Assertion signing time inside the real sandbox: a bundle of the signing code runs K signatures
// per key type in Newman and reports each one's time.
import { build } from 'esbuild';
import { generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import newman from 'newman';
import { figure, type Figure } from './stats.js';

export interface SigningResult {
  readonly rs256: Figure;
  readonly ps256: Figure;
  readonly es256: Figure;
}

export async function benchSigning(iterations: number): Promise<SigningResult> {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./sign-in-sandbox.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    banner: { js: '(function (sandboxRequire) {' },
    footer: { js: '})(require);' },
  });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const times: Record<string, number[]> = { RS256: [], PS256: [], ES256: [] };
  await new Promise<void>((resolve, reject) => {
    newman
      .run(
        {
          collection: {
            info: { name: 'sign', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
            event: [{ listen: 'prerequest', script: { exec: (bundle.outputFiles[0]?.text ?? '').split('\n') } }],
            item: [{ name: 'noop', request: { url: 'http://127.0.0.1:9/never', method: 'GET' } }],
          },
          environment: {
            values: [
              { key: 'rsa', value: rsa },
              { key: 'ec', value: ec },
              { key: 'iterations', value: String(iterations) },
            ],
          },
          reporters: [],
        } as newman.NewmanRunOptions,
        (error) => (error ? reject(error) : resolve()),
      )
      .on('console', (_e: unknown, args: { messages: unknown[] }) => {
        const [tag, alg, ms] = args.messages;
        if (tag === 'sign-ms') times[String(alg)]?.push(Number(ms));
      });
  });
  return {
    rs256: figure(times['RS256'] ?? []),
    ps256: figure(times['PS256'] ?? []),
    es256: figure(times['ES256'] ?? []),
  };
}
