// The token fetch from Node (doctor): the same core as the sandbox script (src/oauth/fetch-token.ts),
// with fetch, Node's timers and node:crypto in place of pm.sendRequest and crypto-js — so what doctor
// says is what the script will meet, attempts and signed assertions included.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { MAX_TOKEN_RESPONSE_BYTES } from '../oauth/token-response.js';
import type { AttemptResult, FetchRuntime } from '../oauth/fetch-token.js';
import { createClientAssertion } from '../oauth/jose/client-assertion.js';
import { newJti } from '../oauth/jose/jti.js';
import { settleOnce } from '../oauth/settle-once.js';
import type { TokenRequest } from '../oauth/token-request.js';
import { nodeHashes } from './node-hashes.js';
import { memoryNonceStore, type NonceStore } from '../oauth/dpop/nonce.js';
import { dpopFetch } from '../oauth/dpop/token-fetch.js';
import type { ProofFactory } from '../oauth/dpop/proof-factory.js';
import type { TlsOptions } from './token-endpoint-tls.js';
import type { ProxyAgentFor } from './token-endpoint-proxy.js';

export const nodeRuntime: FetchRuntime = nodeRuntimeWith(() => undefined);

/**
 * @param tlsFor the TLS settings of a token URL (token-endpoint-tls.ts); none: Node's defaults
 * @param agentFor the proxy of a token URL (token-endpoint-proxy.ts); none: a direct connection
 * @param dpop signs DPoP proofs (node-dpop.ts, loaded only when a configuration asks for DPoP) and keeps the servers' nonces
 */
export function nodeRuntimeWith(
  tlsFor: (url: string) => TlsOptions | undefined,
  agentFor: ProxyAgentFor = () => undefined,
  dpop: { proofs?: ProofFactory | undefined; nonces?: NonceStore | undefined } = {},
): FetchRuntime {
  return {
    send: (request, timeoutMs, done) => sendWithNodeHttp(request, timeoutMs, tlsFor(request.url), agentFor, done),
    wait: (ms, then) => void setTimeout(then, ms),
    now: () => Date.now(),
    assertions: (config) => createClientAssertion(config, nodeHashes, Date.now(), newJti()),
    dpop: dpop.proofs ? dpopFetch(dpop.proofs, dpop.nonces ?? memoryNonceStore()) : undefined,
  };
}

/**
 * One token request with node:http(s), which Newman has loaded already: fetch would load undici,
 * tens of milliseconds of start-up for every `pm-oauth2 run`. Redirects are not followed.
 */
function sendWithNodeHttp(
  request: TokenRequest,
  timeoutMs: number,
  tls: TlsOptions | undefined,
  agentFor: ProxyAgentFor,
  done: (result: AttemptResult) => void,
): void {
  const settle = settleOnce(
    done,
    timeoutMs,
    { set: setTimeout, clear: (handle) => clearTimeout(handle as NodeJS.Timeout) },
    () => outgoing.destroy(),
  );
  const url = new URL(request.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers = Object.fromEntries(request.headers.map((h) => [h.key, h.value]));
  const agent = agentFor(url);
  // The same Accept-Encoding as the engines' requester, so a server answers both paths alike.
  const outgoing = send(
    url,
    {
      ...(url.protocol === 'https:' ? tls : {}),
      ...(agent ? { agent } : {}),
      method: request.method,
      headers: {
        'Accept-Encoding': 'gzip, deflate, br',
        ...headers,
        'Content-Length': Buffer.byteLength(request.body),
      },
    },
    (incoming) => {
      const header = (name: string) => headerText(incoming.headers[name.toLowerCase()]);
      const answer = (body: string, bodyTooLarge = false) =>
        settle({
          response: { status: incoming.statusCode ?? 0, header, body, ...(bodyTooLarge ? { bodyTooLarge } : {}) },
        });
      incoming.on('error', (error: NodeJS.ErrnoException) => settle({ transportCode: error.code ?? 'ECONNRESET' }));
      readBounded(decoded(incoming, header('content-encoding')), MAX_TOKEN_RESPONSE_BYTES, {
        done: (body) => answer(body),
        // parseTokenResponse refuses it, as it refuses an oversized body the sandbox read whole.
        tooLarge: () => {
          outgoing.destroy();
          answer('', true);
        },
        failed: (code) => settle({ transportCode: code }),
      });
    },
  );
  outgoing.on('error', (error: NodeJS.ErrnoException) =>
    settle({ transportCode: error.code ?? error.message ?? 'ERROR' }),
  );
  outgoing.end(request.body);
}

/** The body as the server encoded it (RFC 9110 §8.4): gzip, deflate or br, as the engines' requester decodes them. */
function decoded(incoming: IncomingMessage, encoding: string): Readable {
  const coding = encoding.trim().toLowerCase();
  if (coding === 'gzip' || coding === 'x-gzip') return incoming.pipe(createGunzip());
  if (coding === 'deflate') return incoming.pipe(createInflate());
  if (coding === 'br') return incoming.pipe(createBrotliDecompress());
  return incoming;
}

/** Reads a body up to `limit` bytes, as UTF-8; past it, stops reading (a 300 MB answer is never held whole). */
function readBounded(
  stream: Readable,
  limit: number,
  on: { done(body: string): void; tooLarge(): void; failed(code: string): void },
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size > limit) {
      stream.destroy();
      chunks.length = 0;
      on.tooLarge();
    }
  });
  stream.on('error', (error: NodeJS.ErrnoException) => on.failed(error.code ?? 'ECONNRESET'));
  stream.on('end', () => on.done(Buffer.concat(chunks).toString('utf8')));
}

function headerText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}

/** The server's metadata (RFC 8414, OpenID Discovery), if it publishes any. */
export async function discoverMetadata(tokenUrl: string): Promise<{ issuer?: string; tokenEndpoint?: string }> {
  const origin = /^https?:\/\/[^/?#]+/i.exec(tokenUrl)?.[0];
  if (!origin) return {};
  for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
    try {
      const response = await fetch(origin + path, {
        signal: AbortSignal.timeout(5000),
        headers: { accept: 'application/json' },
      });
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
