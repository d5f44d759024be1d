import assert from 'node:assert/strict';
import type { Collection } from '../../src/generator/collection-types.js';
import { planJob, refuseImpossibleExports, type LoadedCollection } from '../../src/runner/job-plan.js';
import type { Variables } from '../../src/runner/variable-sources.js';

// pm-oauth2 run's decisions, without Newman: how tokens are fetched, which script, what is refused.
const INFO = { name: 'c', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' };

function collection(name: string, variables: Record<string, string> = {}): LoadedCollection {
  const variable = Object.entries(variables).map(([key, value]) => ({ key, value }));
  return { name, stem: name, collection: { info: { ...INFO, name }, item: [], variable } as Collection };
}

function environment(values: Record<string, string>): Variables {
  return new Map(
    Object.entries(values).map(([key, value]) => [
      key,
      { value, source: 'environment file' as const, secret: key.endsWith('secret') },
    ]),
  );
}

const CLIENT = {
  oauth2_token_url: 'https://idp.example.com/token',
  oauth2_client_id: 'orders',
  oauth2_client_secret: 's3cret',
};

function plan(loaded: LoadedCollection[], values: Record<string, string>, extra: object = {}) {
  const lines: string[] = [];
  const result = planJob(loaded, {
    variables: environment(values),
    globals: new Map(),
    environment: undefined,
    report: (line) => lines.push(line),
    ...extra,
  });
  return { result, lines };
}

describe('the plan of a run, decided before anything runs', () => {
  it('fetches tokens in process by default, with every client and token endpoint of every collection', () => {
    const admin = collection('admin', {
      oauth2_profiles: '{"Admin":"admin"}',
      oauth2_admin_client_id: 'admin-client',
      oauth2_admin_client_secret: 'admin-secret',
      oauth2_admin_token_url: 'https://other.example.com/token',
    });
    const { result, lines } = plan([collection('orders'), admin], CLIENT);
    assert.equal(result.tokens, 'in-process');
    assert.deepEqual([...result.tokenUrls].sort(), [
      'https://idp.example.com/token',
      'https://other.example.com/token',
    ]);
    assert.deepEqual(
      result.configs.map((c) => c.clientId),
      ['orders', 'orders', 'admin-client'],
    );
    assert.deepEqual(lines, []);
  });

  it('needs the signing script only when the script fetches a token that is signed', () => {
    const values = { ...CLIENT, oauth2_client_auth: 'private_key_jwt', oauth2_private_key: '{"kty":"EC"}' };
    assert.equal(plan([collection('orders')], values).result.signingScript, false);
    assert.equal(plan([collection('orders')], values, { inSandbox: true }).result.signingScript, true);
    assert.equal(plan([collection('orders')], CLIENT, { inSandbox: true }).result.signingScript, false);
  });

  it("leaves a collection with a team's own variable names to its script, and says so", () => {
    const renamed = collection('legacy', { oauth2_variable_names: '{"oauth2_access_token":"jwt"}' });
    const { result, lines } = plan([collection('orders'), renamed], CLIENT);
    assert.equal(result.tokens, 'script');
    assert.deepEqual(result.renamed, ['legacy']);
    assert.match(lines.join('\n'), /note: tokens are fetched by the collections' script .*: legacy uses your own/);
  });

  it('refuses --parallel where the workers could not share the tokens', () => {
    const renamed = collection('legacy', { oauth2_variable_names: '{"oauth2_access_token":"jwt"}' });
    assert.throws(
      () => plan([collection('orders')], CLIENT, { inSandbox: true, tokenSource: () => undefined }),
      (error: Error & { code?: string }) => error.code === 'USAGE' && /--in-sandbox fetches them/.test(error.message),
    );
    assert.throws(
      () => plan([renamed], CLIENT, { tokenSource: () => undefined }),
      (error: Error & { code?: string }) =>
        error.code === 'USAGE' && /legacy uses your own variable names/.test(error.message),
    );
  });

  it('lists every problem at once, naming the collections it is found in when not all', () => {
    const admin = collection('admin', { oauth2_profiles: '{"Admin":"admin"}', oauth2_admin_client_id: 'a' });
    assert.throws(
      () => plan([collection('orders'), admin], { oauth2_client_id: 'orders' }),
      (error: Error & { code?: string }) =>
        error.code === 'CONFIG_INVALID' &&
        /- oauth2_token_url is not set/.test(error.message) &&
        /- profile admin: oauth2_admin_client_secret is not set .*\(in admin\)/.test(error.message),
    );
  });

  it('refuses --export-collection for more than one collection', () => {
    assert.throws(
      () => refuseImpossibleExports([collection('a'), collection('b')], { exportCollectionFile: 'out.json' }),
      /--export-collection writes one collection, and 2 are run/,
    );
    refuseImpossibleExports([collection('a')], { exportCollectionFile: 'out.json' });
  });
});
