// DPoP in Node (`pm-oauth2 run`, doctor): the same proofs as the sandbox's (src/oauth/dpop/proof.ts),
// signed by node:crypto — a few microseconds instead of the pure code's milliseconds — and the key
// `pm-oauth2 run` makes when none is given.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, constants, type KeyObject } from 'node:crypto';
import { jwkThumbprint, proofFactory, type DpopSigner } from '../oauth/dpop/proof.js';
import type { ProofFactory } from '../oauth/dpop/proof-factory.js';
import { newJti } from '../oauth/jose/jti.js';
import { parsePrivateKey } from '../oauth/jose/keys.js';
import { VARIABLES } from '../oauth/vocabulary.js';
import { nodeHashes } from './node-hashes.js';

/**
 * The key is checked by the pure parser first, so Node and the sandbox accept the same keys and
 * say the same thing about the others.
 * @throws OAuthError CONFIG_INVALID naming oauth2_dpop_key, never its content
 */
export function nodeDpopSigner(privateKey: string): DpopSigner {
  const parsed = parsePrivateKey(privateKey, VARIABLES.dpopKey);
  const key = keyObject(privateKey.trim());
  const { kty, crv, x, y, n, e } = createPublicKey(key).export({ format: 'jwk' });
  if (parsed.kind === 'EC') {
    return {
      alg: 'ES256',
      jwk: { kty: String(kty), crv: String(crv), x: String(x), y: String(y) },
      sign: (data) => [...sign('sha256', Buffer.from(data), { key, dsaEncoding: 'ieee-p1363' })],
    };
  }
  const jwk = { kty: String(kty), e: String(e), n: String(n) };
  return parsed.alg === 'PS256'
    ? {
        alg: 'PS256',
        jwk,
        sign: (data) => [
          ...sign('sha256', Buffer.from(data), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
        ],
      }
    : { alg: 'RS256', jwk, sign: (data) => [...sign('sha256', Buffer.from(data), key)] };
}

function keyObject(text: string): KeyObject {
  if (text.startsWith('{'))
    return createPrivateKey({ key: JSON.parse(text) as import('node:crypto').JsonWebKey, format: 'jwk' });
  return createPrivateKey(text.replace(/\\n/g, '\n'));
}

export const nodeProofs: ProofFactory = proofFactory(
  nodeDpopSigner,
  nodeHashes.sha256,
  () => Date.now(),
  () => newJti(),
);

/** A fresh P-256 key as a private JWK, with its thumbprint as `kid`: what `pm-oauth2 run` makes per run and `pm-oauth2 dpop-key` prints. */
export function newDpopKey(): { jwk: string; thumbprint: string } {
  const exported = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const thumbprint = dpopKeyThumbprint(JSON.stringify(exported));
  return { jwk: JSON.stringify({ ...exported, kid: thumbprint }), thumbprint };
}

/** A key for this run, and the note that says so. The sandbox has no secure random source, so keys are made here, never there. */
export function dpopKeyForRun(): { jwk: string; note: string } {
  const key = newDpopKey();
  return {
    jwk: key.jwk,
    note: `note: ${VARIABLES.dpop} is true and no ${VARIABLES.dpopKey} is set: this run's tokens are bound to a P-256 key made for it (thumbprint ${key.thumbprint}); to keep one, set ${VARIABLES.dpopKey} (pm-oauth2 dpop-key prints a new one)`,
  };
}

/** The RFC 7638 thumbprint of a DPoP key: what a bound token's `cnf.jkt` must be. */
export function dpopKeyThumbprint(privateKey: string): string {
  return jwkThumbprint(nodeDpopSigner(privateKey).jwk, nodeHashes.sha256);
}
