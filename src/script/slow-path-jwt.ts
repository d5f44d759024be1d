// The slow path of dist/prerequest-jwt.js: with the signing code for client assertions.
import { createClientAssertion } from '../oauth/jose/client-assertion.js';
import { newJti } from '../oauth/jose/jti.js';
import { cryptoJsHashes } from './crypto-js-hashes.js';
import { fetchAndStore } from './fetch-and-store.js';

declare const fingerprint: string;
declare const profile: string;
declare const reusable: boolean;

fetchAndStore(fingerprint, profile, reusable, (config) => createClientAssertion(config, cryptoJsHashes(sandboxRequire('crypto-js')), Date.now(), newJti()));
