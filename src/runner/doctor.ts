// `pm-oauth2 doctor`: fetches one token the way the script would, and when that fails, tries the
// usual mistakes one by one to say which it is.
import { clientAuthOf, isClientAuthMethod } from '../oauth/client-auth.js';
import type { TokenConfig } from '../oauth/config.js';
import { fetchTokenAsync, type FetchRuntime } from '../oauth/fetch-token.js';
import { isOAuthError, type OAuthError } from '../oauth/errors.js';
import { decodeJwt } from '../oauth/jwt.js';
import { secretEchoes } from '../oauth/failure.js';
import { maskToken, redactSecrets } from '../oauth/mask.js';
import type { IssuedToken } from '../oauth/token-response.js';
import { discoverMetadata, nodeRuntime } from './node-token-client.js';
import { dpopKeyThumbprint } from './node-dpop.js';
import { VARIABLES } from '../oauth/vocabulary.js';
import { formEncode } from '../oauth/form.js';
import { buildTokenRequest } from '../oauth/token-request.js';
import { parseTokenResponse } from '../oauth/token-response.js';

/** How doctor reaches the token endpoint: Node, with the TLS settings it was given. */
export interface DoctorTransport {
  readonly runtime: FetchRuntime;
  /** A client certificate was given (--ssl-client-cert or --ssl-client-cert-list). */
  readonly clientCertificate: boolean;
}

export interface Diagnosis {
  readonly ok: boolean;
  readonly lines: string[];
}

export async function diagnose(
  config: TokenConfig,
  transport: DoctorTransport = { runtime: nodeRuntime, clientCertificate: false },
): Promise<Diagnosis> {
  const works = (candidate: TokenConfig): Promise<boolean> =>
    fetchTokenAsync(candidate, transport.runtime).then(
      () => true,
      () => false,
    );
  try {
    const token = await fetchTokenAsync(config, transport.runtime);
    return { ok: true, lines: [`✓ token obtained: ${maskToken(token.accessToken)}`, ...describeToken(config, token)] };
  } catch (error) {
    if (!isOAuthError(error)) throw error;
    // A server may echo what it was sent; the secret never reaches the terminal.
    const secrets = secretEchoes(config.clientSecret);
    const lines = [
      `✗ [${error.code}] ${error.message}`,
      `  fix: ${error.advice}`,
      ...(await probes(config, error, works, transport)),
    ];
    return { ok: false, lines: lines.map((line) => redactSecrets(line, secrets)) };
  }
}

function describeToken(config: TokenConfig, token: IssuedToken): string[] {
  const lifetime = Math.round((token.expiresAt - token.issuedAt) / 1000);
  const lines = [
    `  lifetime  ${lifetime} s (from ${token.lifetimeSource}), expires ${new Date(token.expiresAt).toISOString()}`,
  ];
  const claims = decodeJwt(token.accessToken)?.claims;
  if (!claims)
    return [...lines, '  the token is opaque (not a JWT): no claims to show', ...dpopBinding(config, token, undefined)];
  for (const name of ['iss', 'sub', 'client_id', 'aud', 'scope', 'exp']) {
    if (claims[name] !== undefined) lines.push(`  ${name.padEnd(9)} ${formatClaim(name, claims[name])}`);
  }
  lines.push('  (claims decoded without verifying the signature)');
  return [...lines, ...dpopBinding(config, token, claims), ...claimWarnings(config, token, claims)];
}

/** RFC 9449 §6: a bound JWT names the key's thumbprint in cnf.jkt; the API checks proofs against it. */
function dpopBinding(config: TokenConfig, token: IssuedToken, claims: Record<string, unknown> | undefined): string[] {
  if (!config.dpop) return [];
  const ours = dpopKeyThumbprint(config.dpop.privateKey);
  if (!claims)
    return [
      `  DPoP      token_type ${token.tokenType}; the token is opaque, so its binding to the key (thumbprint ${ours}) is the API's to check`,
    ];
  const jkt = (claims['cnf'] as { jkt?: unknown } | undefined)?.jkt;
  if (jkt === ours) return [`✓ bound to the DPoP key: cnf.jkt ${ours}`];
  if (typeof jkt === 'string')
    return [`! bound to another key: cnf.jkt ${jkt}, but ${VARIABLES.dpopKey}'s thumbprint is ${ours}`];
  return [
    `! token_type ${token.tokenType}, but the token has no cnf.jkt: an API cannot tell it is bound to the key (thumbprint ${ours})`,
  ];
}

function formatClaim(name: string, value: unknown): string {
  if (name === 'exp' && typeof value === 'number') return `${value} (${new Date(value * 1000).toISOString()})`;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function claimWarnings(config: TokenConfig, token: IssuedToken, claims: Record<string, unknown>): string[] {
  const warnings: string[] = [];
  const granted = new Set((token.grantedScope ?? String(claims['scope'] ?? '')).split(' ').filter(Boolean));
  const missing = config.scope.split(' ').filter((s) => s && !granted.has(s));
  if (missing.length && granted.size)
    warnings.push(
      `! the server granted less than asked: missing ${missing.join(' ')} — check the client's allowed scopes`,
    );
  const audiences = [claims['aud']].flat().map(String);
  for (const wanted of [config.audience, ...config.resources].filter(Boolean)) {
    if (!audiences.includes(wanted))
      warnings.push(
        `! the token's aud (${audiences.join(', ')}) does not include ${wanted} — the API may reject it; check oauth2_audience / oauth2_resource`,
      );
  }
  return warnings;
}

/** Tries the likely fixes, each one request, and reports the first that works. Branches on the error's fields, never its text. */
type Works = (config: TokenConfig) => Promise<boolean>;

async function probes(
  config: TokenConfig,
  error: OAuthError,
  works: Works,
  transport: DoctorTransport,
): Promise<string[]> {
  const { status, error: code } = error.details;
  // A 401 or 403 without an error code is a refusal the server did not explain (glewlwyd answers every one so).
  const unexplained = (status === 401 || status === 403) && !code;
  const method = clientAuthOf(config.clientAuth);
  if (method.certificate && (code === 'invalid_client' || unexplained || status === 401)) {
    return [
      transport.clientCertificate
        ? '→ a client certificate was presented, and the server does not take it for this client: it is not the one (or its subject is not the one) registered for oauth2_client_id, or its CA is not trusted there'
        : '→ no client certificate was given: pass --ssl-client-cert and --ssl-client-key (the same as for newman run)',
    ];
  }
  // A public client proves nothing: there is no credential to probe.
  const proves = method.secret || method.assertion !== undefined || method.certificate !== undefined;
  if ((code === 'invalid_client' || code === 'unauthorized_client' || unexplained) && proves)
    return credentialProbes(config, works, transport);
  if (code === 'invalid_scope' && config.scope) {
    if (await works({ ...config, scope: '' }))
      return [`→ a token without a scope is issued: the client may not ask for "${config.scope}"`];
  }
  if (status === 404 || status === 405 || error.code === 'TOKEN_RESPONSE_INVALID') {
    const { tokenEndpoint } = await discoverMetadata(config.tokenUrl);
    if (tokenEndpoint && tokenEndpoint !== config.tokenUrl)
      return [`→ the server says its token endpoint is ${tokenEndpoint}: set oauth2_token_url to it`];
  }
  return [];
}

async function credentialProbes(config: TokenConfig, works: Works, transport: DoctorTransport): Promise<string[]> {
  const method = clientAuthOf(config.clientAuth);
  // The provider's own refusal names what to register (advice.ts): no other placement to try.
  if (method.assertion === 'given') return [];
  if (!method.assertion) {
    const other = method.otherPlacement;
    if (!other || !isClientAuthMethod(other)) return [];
    if (await works({ ...config, clientAuth: other })) {
      const raw = method.sends === 'basic' && (await acceptsUnencodedBasic(config, transport.runtime));
      return [
        `→ the server accepts the same credentials with ${other}: set oauth2_client_auth=${other}`,
        ...(raw
          ? [
              "→ it takes the secret over Basic only without RFC 6749 §2.3.1's form-encoding: this server does not decode Basic credentials as the RFC says, so a secret with + / = : & % or spaces fails there over Basic. client_secret_post is the fix; pm-oauth2 sends no unencoded Basic, which servers that follow the RFC would refuse",
            ]
          : []),
      ];
    }
    return ['→ the other credentials placement fails too: the client id or the secret is wrong for this server'];
  }
  // RFC 7523 lets servers want their issuer identifier as the assertion's audience rather than the token URL.
  const { issuer } = await discoverMetadata(config.tokenUrl);
  if (
    issuer &&
    !config.assertion.audience &&
    (await works({ ...config, assertion: { ...config.assertion, audience: issuer } }))
  ) {
    return [
      `→ the server accepts the assertion with its issuer as the audience: set oauth2_assertion_audience=${issuer}`,
    ];
  }
  const what =
    method.assertion === 'key'
      ? 'the key (oauth2_private_key, oauth2_key_id) is not the one registered for this client, or the client is registered for another method or algorithm'
      : "oauth2_client_secret is not this client's secret, or the client is registered for another method or algorithm";
  return [`→ the server refused the signed assertion: ${what}`];
}

/**
 * Whether the server takes id:secret base64-encoded as they are (glewlwyd, Authlib 1.2): asked only
 * when the encoding changes them, and only of this token endpoint, with this client's own credentials.
 */
async function acceptsUnencodedBasic(config: TokenConfig, runtime: FetchRuntime): Promise<boolean> {
  if (formEncode(config.clientId) === config.clientId && formEncode(config.clientSecret) === config.clientSecret)
    return false;
  const request = buildTokenRequest(config);
  const value = `Basic ${Buffer.from(`${config.clientId}:${config.clientSecret}`, 'utf8').toString('base64')}`;
  const headers = request.headers.map((h) => (h.key === 'Authorization' ? { key: h.key, value } : h));
  return new Promise((resolve) =>
    runtime.send({ ...request, headers }, config.tokenTimeoutMs, (result) => {
      try {
        resolve(!!result.response && !!parseTokenResponse(result.response, runtime.now(), false).accessToken);
      } catch {
        resolve(false);
      }
    }),
  );
}
