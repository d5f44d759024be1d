// The proof path of dist/prerequest-jwt.js: a DPoP request whose token is cached needs only a proof
// of its own (RFC 9449 §7), so only the signing code is compiled for it, not the whole slow path.
import { failureMessage } from '../oauth/failure-message.js';
import { proofFactory, pureDpopSigner } from '../oauth/dpop/proof.js';
import { newJti } from '../oauth/jose/jti.js';
import { cacheVariables, profileReader, useVariableNames } from '../oauth/profiles.js';
import { parseVariableNames } from '../oauth/variable-names.js';
import { NAMES_VARIABLE, VARIABLES } from '../oauth/vocabulary.js';
import { cryptoJsHashes } from './crypto-js-hashes.js';
import { signWithDpop } from './dpop.js';
import { failClosed } from './fail-closed.js';
import { cacheScope, readVariable } from './variables.js';

declare const profile: string;
declare const token: string;

try {
  useVariableNames(parseVariableNames(readVariable(NAMES_VARIABLE)));
  const hashes = cryptoJsHashes(sandboxRequire('crypto-js'));
  const proofs = proofFactory(
    (key) => pureDpopSigner(key, hashes),
    hashes.sha256,
    () => Date.now(),
    () => newJti(),
  );
  const key = (profileReader(readVariable, profile)(VARIABLES.dpopKey) ?? '').trim();
  const refused = signWithDpop(cacheVariables(profile).accessToken, token, key, proofs, cacheScope());
  if (refused) failClosed(failureMessage(refused, []));
} catch (error) {
  failClosed(failureMessage(error, []));
}
