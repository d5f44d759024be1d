import type { TokenConfig } from './config.js';
import { maskToken } from './mask.js';
import type { IssuedToken } from './token-response.js';

/** The one line logged per new token: what was asked, for how long, and the token masked. */
export function describeNewToken(config: TokenConfig, token: IssuedToken, profile: string): string {
  const lifetime = Math.round((token.expiresAt - token.issuedAt) / 1000);
  const scope = token.grantedScope ?? config.scope;
  return (
    `new token (${profile ? `profile ${profile}, ` : ''}${config.clientAuth}${scope ? `, scope "${scope}"` : ''}, ${lifetime} s from ${token.lifetimeSource}, ` +
    `expires ${new Date(token.expiresAt).toISOString()}): ${maskToken(token.accessToken)}`
  );
}
