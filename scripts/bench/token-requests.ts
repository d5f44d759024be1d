// Token requests per job: N requests in each of M collections, in one `pm-oauth2 run` (the token
// handed from collection to collection) against a baseline where every collection fetches its own.
import { embedScript } from '../../src/generator/embed.js';
import type { Collection } from '../../src/generator/collection-types.js';
import { runCollection } from '../../src/runner/newman-run.js';
import { Reports } from '../../src/runner/reports.js';
import { runJob } from '../../src/runner/run-job.js';
import { createTokenStats } from '../../src/runner/token-stats.js';
import { mergeVariables } from '../../src/runner/variable-sources.js';
import { startLocalStack, DEMO_CLIENT } from '../../src/servers/local-stack.js';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TokenRequestsResult {
  readonly collections: number;
  readonly requestsPerCollection: number;
  readonly shared: number;
  readonly separate: number;
}

const silent = { out: () => undefined, err: () => undefined };

export async function benchTokenRequests(
  scripts: { secret: string; jwt: string },
  collections: number,
  requests: number,
): Promise<TokenRequestsResult> {
  const stack = await startLocalStack({ auth: 0, api: 0 });
  const dir = await mkdtemp(join(tmpdir(), 'pm-oauth2-bench-'));
  try {
    const files: string[] = [];
    for (let c = 0; c < collections; c++) {
      const file = join(dir, `c${c}.postman_collection.json`);
      await writeFile(file, JSON.stringify(sample(`${stack.api.url}`, requests, c, scripts)));
      files.push(file);
    }
    const values = {
      oauth2_token_url: stack.auth.tokenUrl,
      oauth2_client_id: DEMO_CLIENT.clientId,
      oauth2_client_secret: DEMO_CLIENT.clientSecret,
    };
    const flags = Object.entries(values).map(([k, v]) => `${k}=${v}`);
    let before = stack.auth.tokenRequests();
    await runJob({
      collections: files,
      environment: undefined,
      variables: mergeVariables({ environment: undefined, dotenvText: undefined, processEnv: {}, flags }),
      reports: await Reports.create({ reporters: [], reportDir: dir, junitFile: undefined }),
      exportEnvironmentFile: undefined,
      timeoutRequestMs: 30_000,
      bail: false,
      iterationCount: undefined,
      terminal: silent,
    });
    const shared = stack.auth.tokenRequests() - before;
    before = stack.auth.tokenRequests();
    for (let c = 0; c < collections; c++) {
      const environment = {
        name: 'bench',
        values: Object.entries(values).map(([key, value]) => ({
          key,
          value,
          type: 'default' as const,
          enabled: true as const,
        })),
      };
      await runCollection({
        collection: sample(stack.api.url, requests, c, scripts),
        environment,
        reporters: [],
        reporterOptions: {},
        timeoutRequestMs: 30_000,
        bail: false,
        iterationCount: undefined,
        tokenUrls: new Set(),
        tokenStats: createTokenStats(),
      });
    }
    return { collections, requestsPerCollection: requests, shared, separate: stack.auth.tokenRequests() - before };
  } finally {
    await stack.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function sample(api: string, requests: number, index: number, scripts: { secret: string; jwt: string }): Collection {
  const collection: Collection = {
    info: { name: `bench ${index}`, schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
    item: Array.from({ length: requests }, (_, i) => ({
      name: `r${i}`,
      request: { method: 'GET', url: `${api}/api/bench/${index}/${i}` },
    })),
  };
  return embedScript(collection, scripts).collection;
}
