// Entry of dist/prerequest.js: the client-secret methods only, so the pasted script stays small.
import { ensureAccessToken } from './hot-path.js';

/** The slow path's bundled source (slow-path.ts), inlined as a string by scripts/build-script.ts. */
declare const SLOW_PATH_SOURCE: string;

ensureAccessToken(SLOW_PATH_SOURCE);
