import type { TokenConfig } from './config.js';

/** SHA-256 as lowercase hex: crypto-js in the sandbox, node:crypto in Node. */
export type Sha256Hex = (text: string) => string;

/**
 * Identifies the configuration a token was made for, so a cached token is never sent for other
 * credentials. The secret goes in only through the hash; the version prefix lets a later release
 * change the inputs without mistaking old fingerprints for new ones.
 */
export function configFingerprint(config: TokenConfig, sha256: Sha256Hex): string {
  const inputs = [
    config.tokenUrl, config.clientId, config.clientAuth, config.scope, config.audience,
    config.resources, config.extraParams, config.clientSecret, config.assertion,
  ];
  return 'v1:' + sha256(JSON.stringify(inputs));
}
