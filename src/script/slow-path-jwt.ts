// The slow path of dist/prerequest-jwt.js: with the signing code for client assertions and DPoP proofs.
import { createClientAssertion } from '../oauth/jose/client-assertion.js';
import { newJti } from '../oauth/jose/jti.js';
import { proofFactory, pureDpopSigner } from '../oauth/dpop/proof.js';
import { cryptoJsHashes } from './crypto-js-hashes.js';
import { handleResponse } from './after-response.js';
import { sandboxDpop } from './dpop.js';
import { fetchAndStore } from './fetch-and-store.js';

declare const fingerprint: string;
declare const profile: string;
declare const reusable: boolean;

const hashes = cryptoJsHashes(sandboxRequire('crypto-js'));
const dpop = sandboxDpop(
  proofFactory(
    (key) => pureDpopSigner(key, hashes),
    hashes.sha256,
    () => Date.now(),
    () => newJti(),
  ),
);
if (pm.info.eventName === 'test') handleResponse(profile, dpop);
else
  fetchAndStore(fingerprint, profile, reusable, {
    assertions: (config) => createClientAssertion(config, hashes, Date.now(), newJti()),
    dpop,
  });
