// A small protected API: accepts only JWT access tokens signed by the authorization server for its
// resource, and counts what it saw, so tests prove behaviour at the server, not in our own logs.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { dpopVerifier, type DpopVerifier } from './dpop-verifier.js';
import { listenLocal } from './listen.js';

export interface DemoApiOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly jwks: { keys: object[] };
  /** Opaque tokens to accept too (issued by the tests' fault server). */
  readonly opaqueTokens?: ReadonlySet<string>;
  /** Ask DPoP clients for a nonce (RFC 9449 §9). */
  readonly dpopNonce?: boolean;
  readonly port?: number;
}

export interface ApiCall {
  readonly path: string;
  readonly status: number;
  readonly clientId: string | undefined;
  readonly authorization: string | undefined;
  /** The thumbprint of the key whose DPoP proof the API accepted. */
  readonly dpopJkt?: string | undefined;
}

export interface DemoApi {
  url: string;
  readonly calls: ApiCall[];
  /** Tokens (by jti or whole opaque value) the API rejects from now on, as if revoked. */
  readonly revoked: Set<string>;
  /** Tests set this to revoke the presented token when a request to a given path arrives. */
  revokeWhen: ((path: string) => boolean) | undefined;
  /** Checks DPoP-bound requests; its nonce is the one the API asks for. */
  readonly dpop: DpopVerifier;
  accepted(): number;
  rejected(): number;
  close: () => Promise<void>;
}

export async function startDemoApi(options: DemoApiOptions): Promise<DemoApi> {
  const keys = createLocalJWKSet(options.jwks as Parameters<typeof createLocalJWKSet>[0]);
  const calls: ApiCall[] = [];
  const revoked = new Set<string>();
  const verify = async (token: string): Promise<JWTPayload | undefined> => {
    if (options.opaqueTokens?.has(token)) return revoked.has(token) ? undefined : { client_id: 'opaque' };
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.audience,
        typ: 'at+jwt',
      });
      return payload.jti && revoked.has(payload.jti) ? undefined : payload;
    } catch {
      return undefined;
    }
  };
  const api: DemoApi = {
    url: '',
    calls,
    revoked,
    revokeWhen: undefined,
    dpop: dpopVerifier({ requireNonce: options.dpopNonce ?? false }),
    accepted: () => calls.filter((c) => c.status === 200 && c.path.startsWith('/api/')).length,
    rejected: () => calls.filter((c) => c.status === 401).length,
    close: async () => undefined,
  };
  const revokeIfAsked = async (path: string, token: string): Promise<void> => {
    if (!api.revokeWhen?.(path)) return;
    const claims = await verify(token);
    revoked.add(typeof claims?.jti === 'string' ? claims.jti : token);
  };
  const listening = await listenLocal(
    (req, res) =>
      void handle(
        req,
        res,
        async (token) => {
          await revokeIfAsked((req.url ?? '/').split('?')[0] ?? '/', token);
          return verify(token);
        },
        calls,
        api,
      ),
    options.port,
  );
  return Object.assign(api, { url: listening.url, close: listening.close });
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  verify: (token: string) => Promise<JWTPayload | undefined>,
  calls: ApiCall[],
  api: DemoApi,
): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  // What many debugging endpoints and error pages do: send the request back, credentials and all.
  if (path.startsWith('/public/echo/')) return echo(req, res, path, calls);
  const authorization = req.headers.authorization;
  let dpopJkt: string | undefined;
  const reply = (status: number, body: object, headers: Record<string, string> = {}): void => {
    calls.push({
      path,
      status,
      clientId: typeof body === 'object' && 'client_id' in body ? String(body.client_id) : undefined,
      authorization,
      dpopJkt,
    });
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };
  // A moved resource, for tests that the collection's own requests still follow redirects: to a path of this API only.
  if (path.startsWith('/public/redirect/'))
    return reply(302, { moved: true }, { location: path.slice('/public/redirect'.length) });
  if (path === '/health' || path.startsWith('/public/')) return reply(200, { status: 'ok' });
  const [, scheme, token] = /^(Bearer|DPoP) (\S+)$/i.exec(authorization ?? '') ?? [];
  if (!token || !scheme)
    return reply(
      401,
      { error: 'invalid_request', error_description: 'no Bearer or DPoP token' },
      { 'www-authenticate': 'Bearer, DPoP algs="ES256 RS256 PS256"' },
    );
  const claims = await verify(token);
  if (!claims) return reply(401, { error: 'invalid_token' }, { 'www-authenticate': `${scheme} error="invalid_token"` });
  const bound = claims['cnf'] && typeof (claims['cnf'] as { jkt?: unknown }).jkt === 'string';
  if (scheme.toLowerCase() === 'bearer' && bound) {
    // RFC 9449 §7.2: a DPoP-bound token presented as a Bearer token is refused.
    return reply(
      401,
      { error: 'invalid_token', error_description: 'a DPoP-bound token sent as Bearer' },
      { 'www-authenticate': 'DPoP error="invalid_token"' },
    );
  }
  if (scheme.toLowerCase() === 'dpop') {
    const proof = req.headers['dpop'];
    const check = await api.dpop.verify({
      method: req.method ?? 'GET',
      url: `${api.url}${path}`,
      proof: typeof proof === 'string' ? proof : undefined,
      token,
      claims,
    });
    if (!check.ok) {
      const nonce = check.error === 'use_dpop_nonce' ? { 'dpop-nonce': api.dpop.nonce() ?? '' } : {};
      return reply(
        401,
        { error: check.error, error_description: check.description },
        { 'www-authenticate': `DPoP error="${check.error}", error_description="${check.description}"`, ...nonce },
      );
    }
    dpopJkt = check.jkt;
  }
  return reply(200, { path, method: req.method, client_id: claims['client_id'], scope: claims['scope'] ?? '' });
}

function echo(req: IncomingMessage, res: ServerResponse, path: string, calls: ApiCall[]): void {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
  req.on('end', () => {
    calls.push({ path, status: 200, clientId: undefined, authorization: req.headers.authorization });
    res
      .writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
      .end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
  });
}
