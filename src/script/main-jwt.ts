// Entry of dist/prerequest-jwt.js: every method, including client_secret_jwt and private_key_jwt.
import { createClientAssertion } from '../oauth/jose/client-assertion.js';
import { cryptoJsHashes } from './crypto-js-hashes.js';
import { ensureAccessToken } from './ensure-access-token.js';

/** Unique per assertion; uniqueness, not secrecy, is what servers check (they reject a replay). */
function newJti(): string {
  let random = '';
  for (let i = 0; i < 4; i++) random += Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, '0');
  return `${Date.now().toString(36)}-${random}`;
}

ensureAccessToken((config) => createClientAssertion(config, cryptoJsHashes(sandboxRequire('crypto-js')), Date.now(), newJti()));
