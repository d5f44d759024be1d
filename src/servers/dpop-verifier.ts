// What a resource server checks of a DPoP-bound request (RFC 9449 §4.3, §7.1, §9): the proof's
// signature by the key it carries, its type, method, URI, freshness and uniqueness, the token's hash,
// that the key is the one the token is bound to (cnf.jkt), and, when asked for, the server's nonce.
import { createHash, randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';

export interface DpopCheck {
  readonly ok: boolean;
  /** Why not, as the WWW-Authenticate error says it. */
  readonly error?: 'invalid_dpop_proof' | 'use_dpop_nonce' | 'invalid_token';
  readonly description?: string;
  readonly jkt?: string;
}

export interface DpopVerifier {
  /** The nonce the server wants in proofs now (RFC 9449 §9); undefined while it wants none. */
  readonly nonce: () => string | undefined;
  /** Asks for a (new) nonce from now on, as a server rotating them does. */
  rotateNonce(): string;
  verify(request: {
    method: string;
    url: string;
    proof: string | undefined;
    token: string;
    claims: JWTPayload;
  }): Promise<DpopCheck>;
}

/** How old (or how far ahead) a proof's iat may be. */
const FRESH_SECONDS = 60;
const ALGORITHMS = ['ES256', 'RS256', 'PS256'];

export function dpopVerifier(options: { requireNonce?: boolean } = {}): DpopVerifier {
  const seen = new Set<string>();
  let nonce = options.requireNonce ? randomBytes(16).toString('base64url') : undefined;
  return {
    nonce: () => nonce,
    rotateNonce: () => (nonce = randomBytes(16).toString('base64url')),
    async verify({ method, url, proof, token, claims }) {
      const bound = (claims['cnf'] as { jkt?: unknown } | undefined)?.jkt;
      if (typeof bound !== 'string')
        return { ok: false, error: 'invalid_token', description: 'the token is not DPoP-bound' };
      if (!proof) return { ok: false, error: 'invalid_dpop_proof', description: 'no DPoP proof' };
      let payload: JWTPayload;
      let jwk: JWK;
      try {
        const verified = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ALGORITHMS });
        payload = verified.payload;
        jwk = verified.protectedHeader.jwk as JWK;
      } catch (error) {
        return {
          ok: false,
          error: 'invalid_dpop_proof',
          description: `bad signature or header: ${(error as Error).message}`,
        };
      }
      const problem = proofProblem(payload, method, url, token, seen);
      if (problem) return { ok: false, error: 'invalid_dpop_proof', description: problem };
      const jkt = await calculateJwkThumbprint(jwk);
      if (jkt !== bound)
        return {
          ok: false,
          error: 'invalid_token',
          description: 'the proof is signed by another key than the token is bound to',
        };
      if (nonce && payload['nonce'] !== nonce)
        return { ok: false, error: 'use_dpop_nonce', description: 'Resource server requires nonce in DPoP proof' };
      seen.add(String(payload.jti));
      return { ok: true, jkt };
    },
  };
}

function proofProblem(
  payload: JWTPayload,
  method: string,
  url: string,
  token: string,
  seen: ReadonlySet<string>,
): string | undefined {
  if (payload['htm'] !== method) return `htm ${String(payload['htm'])} is not ${method}`;
  if (payload['htu'] !== url) return `htu ${String(payload['htu'])} is not ${url}`;
  if (typeof payload.iat !== 'number' || Math.abs(Date.now() / 1000 - payload.iat) > FRESH_SECONDS)
    return 'iat is not fresh';
  if (typeof payload.jti !== 'string' || !payload.jti) return 'no jti';
  if (seen.has(payload.jti)) return 'jti replayed';
  if (payload['ath'] !== createHash('sha256').update(token).digest('base64url'))
    return 'ath is not the hash of the token';
  return undefined;
}
