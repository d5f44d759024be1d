// Workload identity federation on 127.0.0.1: a CI's OIDC issuer, as GitHub Actions and GitLab run
// them (a discovery document, a JWKS, and GitHub's runner endpoint behind ACTIONS_ID_TOKEN_REQUEST_URL),
// signing GitHub- and GitLab-shaped ID tokens; and an authorization server that takes such a token
// as the client assertion (RFC 7523 §2.2) by issuer + subject + audience, as Entra ID's federated
// identity credentials and Keycloak's federated client authentication document — verifying its
// signature with the issuer's published keys, and answering a mismatch as Entra does (AADSTS70021).
import type { IncomingMessage } from 'node:http';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { listenLocal } from '../../src/servers/listen.js';

export const GITHUB_SUBJECT = 'repo:acme/orders-api:environment:qa';
export const GITLAB_SUBJECT = 'project_path:acme/orders-api:ref_type:branch:ref:main';
/** A client id whose refusal echoes the assertion it was sent. */
export const ECHOING_CLIENT = 'echoes-assertion';
export const REQUEST_TOKEN = 'gh-request-token "+/=:&%" é';

export interface CiIssuer {
  readonly issuer: string;
  /** ACTIONS_ID_TOKEN_REQUEST_URL, as the runner gives it (with a query of its own). */
  readonly githubRequestUrl: string;
  /** Signs an ID token; GitHub-shaped unless the claims say otherwise. */
  mint(claims?: Partial<JWTPayload>, lifetimeSeconds?: number): Promise<string>;
  /** The ID tokens it issued through the GitHub endpoint, in order, with the audience asked for. */
  readonly githubIssued: Array<{ token: string; audience: string }>;
  close(): Promise<void>;
}

export async function startCiIssuer(): Promise<CiIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'ci-1', alg: 'RS256', use: 'sig' };
  const githubIssued: CiIssuer['githubIssued'] = [];
  let issuer = '';
  const mint = (claims: Partial<JWTPayload> = {}, lifetimeSeconds = 300) => {
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      iss: issuer,
      sub: GITHUB_SUBJECT,
      aud: DEFAULT_AUDIENCE,
      iat: now,
      exp: now + lifetimeSeconds,
      repository: 'acme/orders-api',
      environment: 'qa',
      ...claims,
    };
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'ci-1', typ: 'JWT' }).sign(privateKey);
  };
  const listening = await listenLocal(async (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (url.pathname === '/.well-known/openid-configuration')
      return json(200, { issuer, jwks_uri: `${issuer}/.well-known/jwks` });
    if (url.pathname === '/.well-known/jwks') return json(200, { keys: [jwk] });
    if (url.pathname === '/_apis/pipelines/idtoken') {
      if (req.headers.authorization !== `bearer ${REQUEST_TOKEN}`) return json(401, { message: 'bad request token' });
      if (url.searchParams.get('api-version') !== '2.0')
        return json(400, { message: "the runner's own query was lost" });
      const audience = url.searchParams.get('audience') ?? issuer;
      const token = await mint({ aud: audience });
      githubIssued.push({ token, audience });
      return json(200, { count: 1, value: token });
    }
    return json(404, { message: 'not found' });
  });
  issuer = listening.url;
  return {
    issuer,
    githubRequestUrl: `${issuer}/_apis/pipelines/idtoken?api-version=2.0`,
    mint,
    githubIssued,
    close: () => listening.close(),
  };
}

const DEFAULT_AUDIENCE = 'api://AzureADTokenExchange';

export interface FederatedCredential {
  readonly issuer: string;
  readonly subject: string;
  readonly audience: string;
}

export interface FederatedAuthServer {
  readonly tokenUrl: string;
  /** Token requests received, with what each carried. */
  readonly requests: Array<{ clientId: string; assertion: string; outcome: string }>;
  close(): Promise<void>;
}

/**
 * @param clients each client id's federated credential
 * @param accept where the access tokens it issues go, for the API to accept
 */
export async function startFederatedAuthServer(
  clients: Readonly<Record<string, FederatedCredential>>,
  accept: Set<string>,
): Promise<FederatedAuthServer> {
  const requests: FederatedAuthServer['requests'] = [];
  let serial = 0;
  const listening = await listenLocal(async (req, res) => {
    const form = new URLSearchParams(await bodyOf(req));
    const json = (status: number, body: unknown) =>
      res
        .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify(body));
    const clientId = form.get('client_id') ?? '';
    const assertion = form.get('client_assertion') ?? '';
    const refuse = (description: string) => {
      requests.push({ clientId, assertion, outcome: description });
      return json(401, { error: 'invalid_client', error_description: description });
    };
    if (form.get('grant_type') !== 'client_credentials') return json(400, { error: 'unsupported_grant_type' });
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer')
      return refuse('AADSTS7000218: client_assertion or client_secret required');
    // Servers echo what they were sent in their errors: the assertion must be masked all the same.
    if (clientId === ECHOING_CLIENT) return refuse(`AADSTS50027: invalid JWT token ${assertion}`);
    const credential = clients[clientId];
    if (!credential) return refuse(`AADSTS700016: application ${clientId} not found`);
    let payload: JWTPayload;
    try {
      const keys = createRemoteJWKSet(new URL(`${credential.issuer}/.well-known/jwks`));
      ({ payload } = await jwtVerify(assertion, keys, { issuer: credential.issuer }));
    } catch (error) {
      return refuse(`AADSTS700024: client assertion is not valid (${(error as Error).message})`);
    }
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (payload.sub !== credential.subject || !audiences.includes(credential.audience)) {
      return refuse(
        `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '${payload.iss}'. Assertion Subject: '${payload.sub}'. Assertion Audience: '${audiences.join(',')}'.`,
      );
    }
    const token = `federated-${++serial}-${Math.random().toString(36).slice(2)}`;
    accept.add(token);
    requests.push({ clientId, assertion, outcome: 'issued' });
    return json(200, { access_token: token, token_type: 'Bearer', expires_in: 3600 });
  });
  return { tokenUrl: `${listening.url}/token`, requests, close: () => listening.close() };
}

function bodyOf(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => resolve(body));
  });
}
