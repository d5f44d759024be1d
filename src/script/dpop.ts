// DPoP in the sandbox (RFC 9449): the request goes out with `Authorization: DPoP <token>` and a proof
// of its own, and the servers' nonces are kept in a variable for the next proofs. Only the signing
// variant carries this (slow-path-jwt.ts and proof-path.ts hand it in): the small one fails closed
// on oauth2_dpop=true without it, so it pays nothing for it on every request.
import type { ProofFactory } from '../oauth/dpop/proof-factory.js';
import { dpopHtu, originOf } from '../oauth/dpop/htu.js';
import {
  acceptableNonce,
  DPOP_NONCE_HEADER,
  parseNonces,
  resourceWantsNonce,
  withNonce,
  type NonceStore,
} from '../oauth/dpop/nonce.js';
import { dpopFetch, type DpopFetch } from '../oauth/dpop/token-fetch.js';
import { RETRY_MARKER, DPOP_NONCES_VARIABLE } from '../oauth/vocabulary.js';
import { OAuthError } from '../oauth/errors.js';

export interface SandboxDpop {
  /** The token fetch's part: its proof, and the nonces kept beside the token cache in `scope`. */
  fetch(scope: PmVariableScope): DpopFetch;
  /**
   * Signs this request with the DPoP token.
   * @param name the variable the collection's Bearer resolves
   * @returns the reason to fail closed, if the Bearer would still carry something
   */
  sign(name: string, token: string, privateKey: string, scope: PmVariableScope): OAuthError | undefined;
  /**
   * After the API's answer: keeps its newest nonce (RFC 9449 §9), and sends the request once more
   * when the API asked for one: the token stays good, only the proof lacked the nonce.
   * @param key this request in this iteration; `marker` the pending retry's, if any
   * @returns whether the request goes again
   */
  afterResponse(scope: PmVariableScope, key: string, marker: unknown): boolean;
}

export function sandboxDpop(proofs: ProofFactory): SandboxDpop {
  return {
    fetch: (scope) => dpopFetch(proofs, variableNonceStore(scope)),
    sign: (name, token, privateKey, scope) => signWithDpop(name, token, privateKey, proofs, scope),
    afterResponse: nonceRetry,
  };
}

/** The nonces live beside the token cache, shared by every profile: a nonce belongs to a server, not a client. */
function variableNonceStore(scope: PmVariableScope): NonceStore {
  return {
    get: (origin) => parseNonces(scope.get(DPOP_NONCES_VARIABLE))[origin],
    set: (origin, nonce) => {
      const nonces = parseNonces(scope.get(DPOP_NONCES_VARIABLE));
      if (nonces[origin] !== nonce) scope.set(DPOP_NONCES_VARIABLE, JSON.stringify(withNonce(nonces, origin, nonce)));
    },
  };
}

/** The request's URL as it will be sent: variables and path variables resolved. */
function requestUrl(): string {
  return pm.variables.replaceIn(String(pm.request.url));
}

/**
 * SandboxDpop.sign, alone for the proof path (proof-path.ts). The collection's Bearer must resolve to
 * nothing, or the runtime would replace the header and send the token as a Bearer token: the local
 * scope, which wins over every other, gets an empty value (an empty Bearer sends no header and leaves
 * ours alone).
 */
export function signWithDpop(
  name: string,
  token: string,
  privateKey: string,
  proofs: ProofFactory,
  scope: PmVariableScope,
): OAuthError | undefined {
  pm.variables.set(name, '');
  if (pm.variables.get(name) !== '') {
    return new OAuthError(
      'CONFIG_INVALID',
      `the request would carry the DPoP token as a Bearer token: ${name} keeps a value in a scope the script cannot override`,
      `remove ${name} from the iteration data`,
    );
  }
  const url = requestUrl();
  const proof = proofs(privateKey, {
    htm: pm.request.method,
    htu: dpopHtu(url),
    nonce: variableNonceStore(scope).get(originOf(url)),
    accessToken: token,
  });
  pm.request.headers.upsert({ key: 'Authorization', value: `DPoP ${token}` });
  pm.request.headers.upsert({ key: 'DPoP', value: proof });
  return undefined;
}

function nonceRetry(scope: PmVariableScope, key: string, marker: unknown): boolean {
  const nonce = acceptableNonce(pm.response.headers.get(DPOP_NONCE_HEADER));
  if (!nonce) return false;
  variableNonceStore(scope).set(originOf(requestUrl()), nonce);
  if (
    !resourceWantsNonce(pm.response.code, String(pm.response.headers.get('WWW-Authenticate') ?? '')) ||
    marker === key
  )
    return false;
  scope.set(RETRY_MARKER, key);
  pm.execution?.setNextRequest?.(pm.info.requestId);
  console.log(
    `pm-oauth2: the API asked for a DPoP nonce; "${pm.info.requestName}" goes again with it (in a single send: send it again)`,
  );
  return true;
}
