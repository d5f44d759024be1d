import { normaliseScope } from './scope.js';
import { DEFAULT_CLIENT_AUTH, VARIABLES } from './vocabulary.js';

/** SHA-256 as lowercase hex: crypto-js in the sandbox, node:crypto in Node. */
export type Sha256Hex = (text: string) => string;

/**
 * The variables that decide which token is issued: the cached token is reused only while all of
 * them are as they were when it was fetched. Not the margin or the time-out, which do not.
 */
const NOT_DECIDING: ReadonlySet<string> = new Set([
  // How the client proves itself anew, not which token it gets: a federated assertion is read again
  // as it nears its exp, from wherever it comes, and a typed assertion is the same client's. Left out,
  // they also cost the hot path nothing, and leave every fingerprint made before them as it was.
  VARIABLES.clientAssertion,
  VARIABLES.federatedSource,
  VARIABLES.federatedAudience,
  VARIABLES.assertionTyp,
  VARIABLES.refreshMargin,
  VARIABLES.tokenTimeout,
  VARIABLES.retryOn401,
  VARIABLES.allowInsecureHttp,
]);
export const FINGERPRINT_VARIABLES: readonly string[] = Object.values(VARIABLES).filter(
  (name) => !NOT_DECIDING.has(name),
);

/**
 * The values as the fingerprint takes them: trimmed, the scope normalised and the default method
 * filled in, DPoP on or off, so that configurations that ask for the same token share it. Cheap: no validation.
 */
export function fingerprintValues(read: (name: string) => string | undefined): string[] {
  return FINGERPRINT_VARIABLES.map((name) => {
    const value = (read(name) ?? '').trim();
    if (name === VARIABLES.scope) return normaliseScope(value);
    if (name === VARIABLES.clientAuth) return value || DEFAULT_CLIENT_AUTH;
    if (name === VARIABLES.dpop) return value.toLowerCase() === 'true' ? 'true' : '';
    return value;
  });
}

/**
 * Identifies the configuration a token was made for, so a cached token is never sent for other
 * credentials. Taken over the resolved variable values, so the hot path needs no parsing; the
 * secret and the key go in only through the hash. The prefix names the recipe, so a later one is
 * never mistaken for this one.
 */
export function fingerprintOf(values: readonly string[], sha256: Sha256Hex): string {
  return `v3:${sha256(JSON.stringify(values))}`;
}
