// DPoP in the token fetch (RFC 9449 §5, §8): the token request's proof, and the server's nonces.
// Handed to the fetch core (fetch-token.ts) by the runtimes that carry the signing code, so that the
// copy of the script without it carries none of this either.
import type { ProofFactory } from './proof-factory.js';
import type { TokenHttpResponse } from '../token-response.js';
import { dpopHtu, originOf } from './htu.js';
import { acceptableNonce, DPOP_NONCE_HEADER, tokenEndpointWantsNonce, type NonceStore } from './nonce.js';

export interface DpopFetch {
  /** The token request's own proof: no `ath`, since there is no token yet; the server's latest nonce in it. */
  proof(privateKey: string, tokenUrl: string): string;
  /**
   * Keeps the nonce an answer carries (a server may send a new one with any answer).
   * @returns whether the answer asks for a proof with that nonce (400 `use_dpop_nonce`)
   */
  heard(tokenUrl: string, response: TokenHttpResponse): boolean;
}

export function dpopFetch(proofs: ProofFactory, nonces: NonceStore): DpopFetch {
  return {
    proof: (privateKey, tokenUrl) =>
      proofs(privateKey, { htm: 'POST', htu: dpopHtu(tokenUrl), nonce: nonces.get(originOf(tokenUrl)) }),
    heard: (tokenUrl, response) => {
      const nonce = acceptableNonce(response.header(DPOP_NONCE_HEADER));
      if (!nonce) return false;
      nonces.set(originOf(tokenUrl), nonce);
      return tokenEndpointWantsNonce(response.status, errorCodeOf(response.body));
    },
  };
}

function errorCodeOf(body: string): string | undefined {
  try {
    const error = (JSON.parse(body) as { error?: unknown } | null)?.error;
    return typeof error === 'string' ? error : undefined;
  } catch {
    return undefined;
  }
}
