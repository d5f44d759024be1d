// A real, certified OpenID provider (panva's oidc-provider) set up for the client credentials grant:
// the tests' authorization server and the one `npm start` runs against.
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { listenLocal } from './listen.js';

export type ClientAuthentication =
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'client_secret_jwt'
  | 'private_key_jwt'
  | 'tls_client_auth'
  | 'self_signed_tls_client_auth';

export interface ClientRegistration {
  readonly clientId: string;
  /** Empty for private_key_jwt. */
  readonly clientSecret: string;
  readonly authentication: ClientAuthentication;
  /** For private_key_jwt: the client's public keys; for self_signed_tls_client_auth, its certificate's key with `x5c`. */
  readonly jwks?: { keys: object[] };
  /** For the JWT methods: the assertion's algorithm. */
  readonly signingAlg?: string;
  /** Scopes the client may ask for; all of the resource's when absent. */
  readonly scope?: string;
  /** Token lifetime in seconds. @default 300 */
  readonly tokenTtlSeconds?: number;
  /** For tls_client_auth: the certificate subject registered for the client (RFC 8705 §2.1.2), e.g. CN=demo-client. */
  readonly tlsSubjectDn?: string;
  /** Bind the client's tokens to its certificate (cnf.x5t#S256, RFC 8705 §3). */
  readonly certificateBound?: boolean;
  /** Issue this client DPoP-bound tokens only (RFC 9449 §5.2 dpop_bound_access_tokens): a request without a proof is refused. */
  readonly dpopBound?: boolean;
}

export interface AuthorizationServerOptions {
  readonly clients: readonly ClientRegistration[];
  /** Resource indicators (RFC 8707) the server issues JWT access tokens for; the first is the default. */
  readonly resources?: readonly string[];
  readonly scopes?: readonly string[];
  readonly port?: number;
  /**
   * Mutual TLS (RFC 8705) behind a TLS-terminating front, as deployments run it: the front forwards
   * the client certificate URL-encoded in this request header, and whether its CA verified it
   * (`SUCCESS`, as nginx's $ssl_client_verify) in the same name with `-verify` appended.
   */
  readonly clientCertificateHeader?: string;
  /** Ask DPoP clients for a server nonce at the token endpoint (RFC 9449 §8). */
  readonly dpopNonce?: boolean;
}

export interface AuthorizationServer {
  readonly issuer: string;
  readonly tokenUrl: string;
  /** The public keys access tokens are signed with. */
  readonly jwks: { keys: object[] };
  readonly resources: readonly string[];
  /** POSTs to the token endpoint, answered or not. */
  readonly tokenRequests: () => number;
  /** Tokens issued, per client id. */
  readonly tokensIssued: (clientId?: string) => number;
  /** POSTs to the token endpoint whose Basic header presents this client id, answered or not. */
  readonly tokenRequestsOf: (clientId: string) => number;
  close(): Promise<void>;
}

export const DEMO_RESOURCE = 'urn:pm-oauth2:demo-api';
export const DEMO_SCOPES = ['api:read', 'api:write', 'api:admin'];

export async function startAuthorizationServer(options: AuthorizationServerOptions): Promise<AuthorizationServer> {
  const resources = options.resources ?? [DEMO_RESOURCE];
  const scopes = options.scopes ?? DEMO_SCOPES;
  let tokenRequests = 0;
  const issued = new Map<string, number>();
  const presented = new Map<string, number>();
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  const listening = await listenLocal((req, res) => {
    if (req.method === 'POST' && req.url?.startsWith('/token')) {
      tokenRequests++;
      const clientId = basicClientId(req.headers.authorization);
      if (clientId !== undefined) presented.set(clientId, (presented.get(clientId) ?? 0) + 1);
    }
    handler(req, res);
  }, options.port);
  const { default: Provider, errors } = await withoutProductionWarnings(() => import('oidc-provider'));
  const provider = await withoutProductionWarnings(
    async () => new Provider(listening.url, providerConfiguration(options, resources, scopes, errors.InvalidTarget)),
  );
  provider.on('grant.success', (ctx) => {
    const clientId = ctx.oidc.client?.clientId ?? '';
    issued.set(clientId, (issued.get(clientId) ?? 0) + 1);
  });
  handler = provider.callback();
  return {
    issuer: listening.url,
    tokenUrl: `${listening.url}/token`,
    jwks: { keys: [publicJwk] },
    resources,
    tokenRequests: () => tokenRequests,
    tokensIssued: (clientId) =>
      clientId === undefined ? [...issued.values()].reduce((a, b) => a + b, 0) : (issued.get(clientId) ?? 0),
    tokenRequestsOf: (clientId) => presented.get(clientId) ?? 0,
    close: listening.close,
  };
}

function basicClientId(header: string | undefined): string | undefined {
  const match = /^Basic\s+(\S+)/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const pair = Buffer.from(match[1], 'base64').toString('utf8');
  try {
    return decodeURIComponent(pair.slice(0, Math.max(0, pair.indexOf(':'))).replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KEY_ID = 'pm-oauth2-test-key';
const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid: KEY_ID, alg: 'RS256', use: 'sig' };

/**
 * oidc-provider warns about the Node version and its in-memory store: advice for production
 * deployments, noise for a local demo and test server, which is all this is.
 */
async function withoutProductionWarnings<T>(action: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).includes('oidc-provider WARNING')) warn(...args);
  };
  try {
    return await action();
  } finally {
    console.warn = warn;
  }
}

function providerConfiguration(
  options: AuthorizationServerOptions,
  resources: readonly string[],
  scopes: readonly string[],
  InvalidTarget: new () => Error,
): Configuration {
  const ttl = new Map(options.clients.map((c) => [c.clientId, c.tokenTtlSeconds ?? 300]));
  return {
    clients: options.clients.map((c) => ({
      client_id: c.clientId,
      ...(c.clientSecret ? { client_secret: c.clientSecret } : {}),
      ...(c.jwks ? { jwks: c.jwks as never } : {}),
      ...(c.signingAlg ? { token_endpoint_auth_signing_alg: c.signingAlg as never } : {}),
      token_endpoint_auth_method: c.authentication,
      ...(c.tlsSubjectDn ? { tls_client_auth_subject_dn: c.tlsSubjectDn } : {}),
      ...(c.certificateBound ? { tls_client_certificate_bound_access_tokens: true } : {}),
      ...(c.dpopBound ? { dpop_bound_access_tokens: true } : {}),
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      scope: c.scope ?? scopes.join(' '),
    })),
    ...(options.clientCertificateHeader
      ? {
          clientAuthMethods: [
            'client_secret_basic',
            'client_secret_post',
            'client_secret_jwt',
            'private_key_jwt',
            'tls_client_auth',
            'self_signed_tls_client_auth',
            'none',
          ],
        }
      : {}),
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: KEY_ID, alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    // The algorithms pm-oauth2 signs DPoP proofs with; oidc-provider's default takes ES256 and EdDSA only.
    enabledJWA: { dPoPSigningAlgValues: ['ES256', 'PS256', 'RS256'] },
    scopes: [...scopes],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // DPoP (RFC 9449) is on by default: a request with a proof gets a bound token.
      dPoP: { enabled: true, ...(options.dpopNonce ? { nonceSecret: randomBytes(32), requireNonce: () => true } : {}) },
      ...(options.clientCertificateHeader ? { mTLS: mutualTls(options.clientCertificateHeader) } : {}),
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resources[0],
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          if (!resources.includes(resource)) throw new InvalidTarget();
          return {
            scope: scopes.join(' '),
            audience: resource,
            accessTokenFormat: 'jwt' as const,
            jwt: { sign: { alg: 'RS256' as const } },
          };
        },
      },
    },
    ttl: {
      ClientCredentials: (_ctx: unknown, _token: unknown, client: { clientId: string }) =>
        ttl.get(client.clientId) ?? 300,
    },
  };
}

/** The certificate the TLS front verified and forwarded; none when the header is absent. */
function mutualTls(header: string) {
  const certificate = (ctx: KoaContextWithOIDC): X509Certificate | undefined => {
    const pem = ctx.get(header);
    return pem ? new X509Certificate(decodeURIComponent(pem)) : undefined;
  };
  return {
    enabled: true,
    tlsClientAuth: true as const,
    selfSignedTlsClientAuth: true as const,
    certificateBoundAccessTokens: true,
    getCertificate: (ctx: KoaContextWithOIDC) => certificate(ctx),
    // tls_client_auth takes only a certificate the front's CA issued; self_signed_tls_client_auth any.
    certificateAuthorized: (ctx: KoaContextWithOIDC) => !!certificate(ctx) && ctx.get(`${header}-verify`) === 'SUCCESS',
    certificateSubjectMatches: (ctx: KoaContextWithOIDC, property: string, expected: string) =>
      property === 'tls_client_auth_subject_dn' && certificate(ctx)?.subject.split('\n').join(',') === expected,
  };
}
