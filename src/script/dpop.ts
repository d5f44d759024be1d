// DPoP in the sandbox (RFC 9449): the request goes out with `Authorization: DPoP <token>` and a proof
// of its own, and the servers' nonces are kept in a variable for the next proofs.
import type { ProofFactory } from '../oauth/fetch-token.js';
import { dpopHtu, originOf } from '../oauth/dpop/htu.js';
import { parseNonces, withNonce, type NonceStore } from '../oauth/dpop/nonce.js';
import { DPOP_NONCES_VARIABLE } from '../oauth/variables.js';
import { OAuthError } from '../oauth/errors.js';

/** The nonces live beside the token cache, shared by every profile: a nonce belongs to a server, not a client. */
export function variableNonceStore(scope: PmVariableScope): NonceStore {
  return {
    get: (origin) => parseNonces(scope.get(DPOP_NONCES_VARIABLE))[origin],
    set: (origin, nonce) => {
      const nonces = parseNonces(scope.get(DPOP_NONCES_VARIABLE));
      if (nonces[origin] !== nonce) scope.set(DPOP_NONCES_VARIABLE, JSON.stringify(withNonce(nonces, origin, nonce)));
    },
  };
}

/** signWithDpop could not keep the collection's Bearer from sending the token. */
export function bearerWouldWin(name: string): OAuthError {
  return new OAuthError('CONFIG_INVALID', `the request would carry the DPoP token as a Bearer token: ${name} keeps a value in a scope the script cannot override`, `remove ${name} from the iteration data`);
}

/** The request's URL as it will be sent: variables and path variables resolved. */
export function requestUrl(): string {
  return pm.variables.replaceIn(String(pm.request.url));
}

/**
 * Signs this request with the DPoP token. The collection's Bearer must resolve to nothing, or the
 * runtime would replace the header and send the token as a Bearer token: the local scope, which wins
 * over every other, gets an empty value (an empty Bearer sends no header and leaves ours alone).
 * @param name the variable the Bearer resolves
 * @returns false when the Bearer would still carry something: the caller fails closed
 */
export function signWithDpop(name: string, token: string, privateKey: string, proofs: ProofFactory, nonces: NonceStore): boolean {
  pm.variables.set(name, '');
  if (pm.variables.get(name) !== '') return false;
  const url = requestUrl();
  const proof = proofs(privateKey, { htm: pm.request.method, htu: dpopHtu(url), nonce: nonces.get(originOf(url)), accessToken: token });
  pm.request.headers.upsert({ key: 'Authorization', value: `DPoP ${token}` });
  pm.request.headers.upsert({ key: 'DPoP', value: proof });
  return true;
}
