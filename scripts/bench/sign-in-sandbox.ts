// Runs in the Newman sandbox (bundled by signing.ts): times each assertion signature.
import { readTokenConfig } from '../../src/oauth/config.js';
import { createClientAssertion } from '../../src/oauth/jose/client-assertion.js';
import { cryptoJsHashes } from '../../src/script/crypto-js-hashes.js';

const hashes = cryptoJsHashes(sandboxRequire('crypto-js'));
const iterations = Number(pm.variables.get('iterations'));
for (const [alg, variable] of [
  ['RS256', 'rsa'],
  ['PS256', 'rsa'],
  ['ES256', 'ec'],
] as const) {
  const config = readTokenConfig(
    (name) =>
      (
        ({
          oauth2_token_url: 'https://idp.example/token',
          oauth2_client_id: 'bench',
          oauth2_client_auth: 'private_key_jwt',
          oauth2_private_key: String(pm.variables.get(variable)),
          oauth2_assertion_alg: alg,
        }) as Record<string, string>
      )[name],
  );
  for (let i = 0; i < iterations; i++) {
    const started = Date.now();
    createClientAssertion(config, hashes, Date.now(), `jti-${i}`);
    console.log('sign-ms', alg, Date.now() - started);
  }
}
pm.execution?.skipRequest?.();
