// DPoP proofs (RFC 9449 §4): a JWT signed with the client's DPoP key, fresh for every HTTP request,
// binding the request's method and URI — and, at a resource server, the access token — to the key.
import { utf8Bytes } from '../base64.js';
import type { ProofFactory } from './proof-factory.js';
import { VARIABLES } from '../vocabulary.js';
import { base64UrlEncode, bigIntToBytes, byteLength, type Bytes } from '../jose/bytes.js';
import type { Hashes } from '../jose/hashes.js';
import { parsePrivateKey } from '../jose/keys.js';
import { publicPointOf, signEs256 } from '../jose/p256.js';
import { pssSalt, signPs256, signRs256 } from '../jose/rsa.js';

export type DpopAlg = 'ES256' | 'RS256' | 'PS256';

/** What signs a client's proofs: the algorithm, the public JWK the proofs carry, and the signature. */
export interface DpopSigner {
  readonly alg: DpopAlg;
  /** The public key only (RFC 9449 §4.2: the header must not hold a private key). */
  readonly jwk: Readonly<Record<string, string>>;
  sign(data: readonly number[]): Bytes;
}

export interface ProofClaims {
  /** The HTTP method. */
  readonly htm: string;
  /** The request URI without query and fragment (htu.ts). */
  readonly htu: string;
  readonly nowMs: number;
  /** Unique per proof: servers reject a replayed one. */
  readonly jti: string;
  /** The server's latest DPoP-Nonce, when it asked for one. */
  readonly nonce?: string | undefined;
  /** At a resource server: the access token, whose hash (`ath`) the proof carries. */
  readonly accessToken?: string | undefined;
}

export const DPOP_PROOF_TYPE = 'dpop+jwt';

export function createDpopProof(
  signer: DpopSigner,
  claims: ProofClaims,
  sha256: (data: readonly number[]) => Bytes,
): string {
  const header = { typ: DPOP_PROOF_TYPE, alg: signer.alg, jwk: signer.jwk };
  const payload: Record<string, string | number> = {
    jti: claims.jti,
    htm: claims.htm,
    htu: claims.htu,
    iat: Math.floor(claims.nowMs / 1000),
  };
  if (claims.nonce) payload['nonce'] = claims.nonce;
  if (claims.accessToken !== undefined) payload['ath'] = base64UrlEncode(sha256(utf8Bytes(claims.accessToken)));
  const input = `${base64UrlEncode(utf8Bytes(JSON.stringify(header)))}.${base64UrlEncode(utf8Bytes(JSON.stringify(payload)))}`;
  return `${input}.${base64UrlEncode(signer.sign(utf8Bytes(input)))}`;
}

/**
 * The signer in pure code, for the sandbox: ES256 for a P-256 key, RS256 for RSA (PS256 when the
 * JWK is pinned to it).
 * @throws OAuthError CONFIG_INVALID naming oauth2_dpop_key, never its content
 */
export function pureDpopSigner(privateKey: string, hashes: Hashes, random: () => number = Math.random): DpopSigner {
  const key = parsePrivateKey(privateKey, VARIABLES.dpopKey);
  if (key.kind === 'EC') {
    const { x, y } = publicPointOf(key);
    return {
      alg: 'ES256',
      jwk: {
        kty: 'EC',
        crv: 'P-256',
        x: base64UrlEncode(bigIntToBytes(x, 32)),
        y: base64UrlEncode(bigIntToBytes(y, 32)),
      },
      sign: (data) => signEs256(key, data, hashes),
    };
  }
  const jwk = {
    kty: 'RSA',
    e: base64UrlEncode(bigIntToBytes(key.e, byteLength(key.e))),
    n: base64UrlEncode(bigIntToBytes(key.n, key.size)),
  };
  return key.alg === 'PS256'
    ? { alg: 'PS256', jwk, sign: (data) => signPs256(key, data, hashes, pssSalt(random)) }
    : { alg: 'RS256', jwk, sign: (data) => signRs256(key, data, hashes) };
}

/**
 * Proofs for the token fetch and the API requests: each with a new jti and the current time, the
 * signer made once per key.
 * @param signerFor pure code in the sandbox, node:crypto in Node
 */
export function proofFactory(
  signerFor: (privateKey: string) => DpopSigner,
  sha256: (data: readonly number[]) => Bytes,
  now: () => number,
  newJti: () => string,
): ProofFactory {
  let last: { key: string; signer: DpopSigner } | undefined;
  return (key, request) => {
    if (last?.key !== key) last = { key, signer: signerFor(key) };
    return createDpopProof(last.signer, { ...request, nowMs: now(), jti: newJti() }, sha256);
  };
}

/** RFC 7638: the SHA-256 of the required members in lexicographic order — what a server's `cnf.jkt` holds. */
export function jwkThumbprint(
  jwk: Readonly<Record<string, string>>,
  sha256: (data: readonly number[]) => Bytes,
): string {
  const members = jwk['kty'] === 'EC' ? ['crv', 'kty', 'x', 'y'] : ['e', 'kty', 'n'];
  const canonical = `{${members.map((name) => `${JSON.stringify(name)}:${JSON.stringify(jwk[name] ?? '')}`).join(',')}}`;
  return base64UrlEncode(sha256(utf8Bytes(canonical)));
}
