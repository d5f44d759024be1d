// What the script costs per request, measured in the sandbox itself: the same executions Newman
// makes before each request (same sandbox, same context, a cached token), without the HTTP round
// trip and the runner around it, whose noise (±5% per run) is larger than the cost measured.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { CACHE_VARIABLES } from '../../src/oauth/vocabulary.js';
import { fingerprintOf, fingerprintValues } from '../../src/oauth/fingerprint.js';
import { NON_LEGACY_MARKER } from '../build-script.js';
import { figure, type Figure } from './stats.js';

export interface SandboxCostResult {
  /** Milliseconds per execution. */
  readonly empty: Figure;
  readonly emptyNonLegacy: Figure;
  readonly ours: Figure;
  /** ours − empty, per round. */
  readonly added: Figure;
  /** Ours without the slow path's text (which a request with a cached token never runs). */
  readonly oursWithoutSlowText: Figure;
  /** ours − oursWithoutSlowText, per round: what carrying that text costs every request. */
  readonly slowText: Figure;
  readonly slowTextKb: number;
}

interface SandboxContext {
  execute(event: object, options: object, callback: (error: unknown, result: unknown) => void): void;
  dispose(): void;
}

// The sandbox Newman runs scripts in: postman-runtime's own dependency, resolved the way Newman does.
const fromNewman = createRequire(createRequire(import.meta.url).resolve('newman'));
const requireFromNewman = createRequire(fromNewman.resolve('postman-runtime'));

/** @param withoutSlowText the same script without its slow path's text (build-script.ts, buildWithoutSlowPathText) */
export async function benchSandboxCost(
  script: string,
  withoutSlowText: string,
  executions: number,
  rounds: number,
): Promise<SandboxCostResult> {
  const Sandbox = requireFromNewman('postman-sandbox') as {
    createContext(options: object, callback: (error: unknown, context: SandboxContext) => void): void;
  };
  const sdk = requireFromNewman('postman-collection') as { Request: new (json: object) => object };
  const variables: Record<string, string> = {
    oauth2_token_url: 'http://127.0.0.1:9/token',
    oauth2_client_id: 'bench',
    oauth2_client_secret: 'bench-secret',
  };
  const now = Date.now();
  const cache = {
    [CACHE_VARIABLES.accessToken]: 'bench-token',
    [CACHE_VARIABLES.issuedAt]: String(now),
    [CACHE_VARIABLES.expiresAt]: String(now + 3_600_000),
    [CACHE_VARIABLES.fingerprint]: fingerprintOf(
      fingerprintValues((name) => variables[name]),
      (text) => createHash('sha256').update(text).digest('hex'),
    ),
  };
  const environment = {
    name: 'bench',
    values: Object.entries({ ...variables, ...cache }).map(([key, value]) => ({ key, value })),
  };
  const request = new sdk.Request({
    url: 'http://127.0.0.1:9/api',
    auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{oauth2_access_token}}' }] },
  });
  const context = await new Promise<SandboxContext>((resolve, reject) =>
    Sandbox.createContext({ timeout: 10_000 }, (error, ctx) => (error ? reject(error) : resolve(ctx))),
  );
  const execute = (code: string) =>
    new Promise<{ return?: { async?: boolean } }>((resolve, reject) => {
      context.execute(
        { listen: 'prerequest', script: { exec: code.split('\n') } },
        { context: { request, environment, collectionVariables: { values: [] } } },
        (error, result) => (error ? reject(error) : resolve(result as { return?: { async?: boolean } })),
      );
    });
  try {
    // The cached token must be used: a script that went to fetch one would measure something else.
    for (const code of [script, withoutSlowText]) {
      if ((await execute(code)).return?.async)
        throw new Error('the script did not take the cached token: the bench fixture is out of date with src/oauth');
    }
    const variants = {
      empty: '// empty',
      emptyNonLegacy: `${NON_LEGACY_MARKER}\n// empty`,
      ours: script,
      oursWithoutSlowText: withoutSlowText,
    };
    const samples = {
      empty: [] as number[],
      emptyNonLegacy: [] as number[],
      ours: [] as number[],
      added: [] as number[],
      oursWithoutSlowText: [] as number[],
      slowText: [] as number[],
    };
    for (let round = 0; round < rounds; round++) {
      const perExecution: Record<string, number> = {};
      for (const [name, code] of Object.entries(variants)) {
        const started = process.hrtime.bigint();
        for (let i = 0; i < executions; i++) await execute(code);
        perExecution[name] = Number(process.hrtime.bigint() - started) / 1e6 / executions;
      }
      samples.empty.push(perExecution['empty'] ?? 0);
      samples.emptyNonLegacy.push(perExecution['emptyNonLegacy'] ?? 0);
      samples.ours.push(perExecution['ours'] ?? 0);
      samples.added.push((perExecution['ours'] ?? 0) - (perExecution['empty'] ?? 0));
      samples.oursWithoutSlowText.push(perExecution['oursWithoutSlowText'] ?? 0);
      samples.slowText.push((perExecution['ours'] ?? 0) - (perExecution['oursWithoutSlowText'] ?? 0));
    }
    return {
      empty: figure(samples.empty),
      emptyNonLegacy: figure(samples.emptyNonLegacy),
      ours: figure(samples.ours),
      added: figure(samples.added),
      oursWithoutSlowText: figure(samples.oursWithoutSlowText),
      slowText: figure(samples.slowText),
      slowTextKb: (script.length - withoutSlowText.length) / 1024,
    };
  } finally {
    context.dispose();
  }
}
