// The slow path of dist/prerequest-jwt.js: with the signing code for client assertions.
import { createClientAssertion } from '../oauth/jose/client-assertion.js';
import { cryptoJsHashes } from './crypto-js-hashes.js';
import { fetchAndStore } from './fetch-and-store.js';

declare const fingerprint: string;
declare const profile: string;

/** Unique per assertion; uniqueness, not secrecy, is what servers check (they reject a replay). */
function newJti(): string {
  let random = '';
  for (let i = 0; i < 4; i++) random += Math.floor(Math.random() * 0x100000000).toString(16).padStart(8, '0');
  return `${Date.now().toString(36)}-${random}`;
}

fetchAndStore(fingerprint, profile, (config) => createClientAssertion(config, cryptoJsHashes(sandboxRequire('crypto-js')), Date.now(), newJti()));
