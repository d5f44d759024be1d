// The token request from Node (doctor): the same pure request building and response checking as the
// sandbox script, so what doctor says is what the script will meet.
import type { TokenConfig } from '../oauth/config.js';
import { transportFailure } from '../oauth/failure.js';
import { buildTokenRequest } from '../oauth/token-request.js';
import { parseTokenResponse, type IssuedToken } from '../oauth/token-response.js';

export async function requestToken(config: TokenConfig): Promise<IssuedToken> {
  const request = buildTokenRequest(config);
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: Object.fromEntries(request.headers.map((h) => [h.key, h.value])),
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(config.tokenTimeoutMs),
    });
  } catch (error) {
    throw transportFailure(config.tokenUrl, transportCode(error), 1);
  }
  const body = await response.text();
  return parseTokenResponse({ status: response.status, header: (name) => response.headers.get(name) ?? '', body }, Date.now());
}

function transportCode(error: unknown): string {
  const { name, cause } = error as { name?: string; cause?: { code?: string } };
  if (name === 'TimeoutError' || name === 'AbortError') return 'ETIMEDOUT';
  return cause?.code ?? name ?? 'ERROR';
}

/** The token endpoint the server advertises (RFC 8414, OpenID Discovery), if it says. */
export async function discoverTokenEndpoint(tokenUrl: string): Promise<string | undefined> {
  const origin = /^https?:\/\/[^/?#]+/i.exec(tokenUrl)?.[0];
  if (!origin) return undefined;
  for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
    try {
      const response = await fetch(origin + path, { signal: AbortSignal.timeout(5000), headers: { accept: 'application/json' } });
      const endpoint = ((await response.json()) as { token_endpoint?: unknown }).token_endpoint;
      if (response.ok && typeof endpoint === 'string') return endpoint;
    } catch {
      // Not every server publishes metadata; this is only a hint.
    }
  }
  return undefined;
}
