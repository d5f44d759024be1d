// Entry of dist/prerequest-jwt.js: every method, including client_secret_jwt and private_key_jwt, and DPoP.
import { ensureAccessToken } from './hot-path.js';

/** The slow path's bundled source (slow-path-jwt.ts), inlined as a string by scripts/build-script.ts. */
declare const SLOW_PATH_SOURCE: string;
/** The DPoP proof of a request whose token is cached (proof-path.ts), the same way. */
declare const PROOF_PATH_SOURCE: string;

ensureAccessToken(SLOW_PATH_SOURCE, PROOF_PATH_SOURCE);
