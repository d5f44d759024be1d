// The token fetch from Node (doctor): the same core as the sandbox script (src/oauth/fetch-token.ts),
// with fetch, Node's timers and node:crypto in place of pm.sendRequest and crypto-js — so what doctor
// says is what the script will meet, attempts and signed assertions included.
import type { TokenConfig } from '../oauth/config.js';
import { fetchTokenAsync, type AttemptResult, type FetchRuntime } from '../oauth/fetch-token.js';
import { createClientAssertion } from '../oauth/jose/client-assertion.js';
import { newJti } from '../oauth/jose/jti.js';
import type { TokenRequest } from '../oauth/token-request.js';
import type { IssuedToken } from '../oauth/token-response.js';
import { nodeHashes } from './node-hashes.js';

export const nodeRuntime: FetchRuntime = {
  send: (request, timeoutMs, done) => void sendWithFetch(request, timeoutMs).then(done),
  wait: (ms, then) => void setTimeout(then, ms),
  now: () => Date.now(),
  assertions: (config) => createClientAssertion(config, nodeHashes, Date.now(), newJti()),
};

export function requestToken(config: TokenConfig): Promise<IssuedToken> {
  return fetchTokenAsync(config, nodeRuntime);
}

async function sendWithFetch(request: TokenRequest, timeoutMs: number): Promise<AttemptResult> {
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: Object.fromEntries(request.headers.map((h) => [h.key, h.value])),
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await response.text();
    return { response: { status: response.status, header: (name) => response.headers.get(name) ?? '', body } };
  } catch (error) {
    return { transportCode: transportCode(error) };
  }
}

function transportCode(error: unknown): string {
  const { name, cause } = error as { name?: string; cause?: { code?: string } };
  if (name === 'TimeoutError' || name === 'AbortError') return 'ETIMEDOUT';
  return cause?.code ?? name ?? 'ERROR';
}

/** The server's metadata (RFC 8414, OpenID Discovery), if it publishes any. */
export async function discoverMetadata(tokenUrl: string): Promise<{ issuer?: string; tokenEndpoint?: string }> {
  const origin = /^https?:\/\/[^/?#]+/i.exec(tokenUrl)?.[0];
  if (!origin) return {};
  for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
    try {
      const response = await fetch(origin + path, { signal: AbortSignal.timeout(5000), headers: { accept: 'application/json' } });
      const metadata = (await response.json()) as { token_endpoint?: unknown; issuer?: unknown };
      if (!response.ok) continue;
      return {
        ...(typeof metadata.issuer === 'string' ? { issuer: metadata.issuer } : {}),
        ...(typeof metadata.token_endpoint === 'string' ? { tokenEndpoint: metadata.token_endpoint } : {}),
      };
    } catch {
      // Not every server publishes metadata; this is only a hint.
    }
  }
  return {};
}
