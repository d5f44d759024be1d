// Entry of dist/prerequest.js: the client-secret methods only, so the pasted script stays small.
import { ensureAccessToken } from './ensure-access-token.js';

ensureAccessToken();
