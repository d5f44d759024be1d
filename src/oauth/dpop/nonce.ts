// Server-provided DPoP nonces (RFC 9449 §8 for the authorization server, §9 for resource servers):
// a server that wants one answers `use_dpop_nonce` with a `DPoP-Nonce` header, and may send a new
// nonce on any answer. The client keeps the latest per server and puts it in its next proofs.

/** The latest nonce of each server, by origin (htu.ts). */
export interface NonceStore {
  get(origin: string): string | undefined;
  set(origin: string, nonce: string): void;
}

export const DPOP_NONCE_HEADER = 'DPoP-Nonce';

/** Nonces are short; a server sending a kilobyte is not one to repeat it to. */
const MAX_NONCE_LENGTH = 512;
/** A run talks to a few servers; the map never grows past this many. */
const MAX_SERVERS = 16;

/** A nonce as a server sent it, or undefined when it is none we may send back (RFC 9449 §8.1: NQCHAR only). */
export function acceptableNonce(value: string | undefined): string | undefined {
  const nonce = (value ?? '').trim();
  return nonce && nonce.length <= MAX_NONCE_LENGTH && /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(nonce) ? nonce : undefined;
}

/** The authorization server asks with HTTP 400 and `"error": "use_dpop_nonce"` (§8). */
export function tokenEndpointWantsNonce(status: number, error: string | undefined): boolean {
  return status === 400 && error === 'use_dpop_nonce';
}

/** A resource server asks with HTTP 401 and `WWW-Authenticate: DPoP error="use_dpop_nonce"` (§9). */
export function resourceWantsNonce(status: number, wwwAuthenticate: string): boolean {
  return status === 401 && /\bDPoP\b[\s\S]*\berror\s*=\s*"?use_dpop_nonce/i.test(wwwAuthenticate);
}

/** The nonces as the sandbox keeps them in a variable: JSON, `{"<origin>": "<nonce>"}`. */
export function parseNonces(json: unknown): Record<string, string> {
  if (typeof json !== 'string' || !json) return {};
  try {
    const value: unknown = JSON.parse(json);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
    return Object.fromEntries(
      Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  } catch {
    return {};
  }
}

/** The map with this server's nonce last, the oldest dropped past the bound. */
export function withNonce(
  nonces: Readonly<Record<string, string>>,
  origin: string,
  nonce: string,
): Record<string, string> {
  const entries = Object.entries(nonces).filter(([key]) => key !== origin);
  return Object.fromEntries([...entries.slice(Math.max(0, entries.length - MAX_SERVERS + 1)), [origin, nonce]]);
}

export function memoryNonceStore(): NonceStore {
  const nonces = new Map<string, string>();
  return { get: (origin) => nonces.get(origin), set: (origin, nonce) => void nonces.set(origin, nonce) };
}
