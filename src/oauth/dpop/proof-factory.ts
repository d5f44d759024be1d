// The shape of DPoP proof signing (RFC 9449 §4), shared by the sandbox's signer and Node's.

/** What a DPoP proof binds: the request, the server's nonce, and at an API the token. */
export interface ProofRequest {
  readonly htm: string;
  readonly htu: string;
  readonly nonce?: string | undefined;
  readonly accessToken?: string | undefined;
}

/** Makes a DPoP proof with a key (oauth2_dpop_key's text): a fresh one (new jti, iat) per call. */
export type ProofFactory = (privateKey: string, request: ProofRequest) => string;
