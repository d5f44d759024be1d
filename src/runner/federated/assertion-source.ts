// Workload identity federation: the client assertion is the CI's own OIDC ID token (RFC 7521/7523),
// not a JWT we sign — so no client secret and no private key is stored in the CI. pm-oauth2 run
// reads it from where the CI puts it (oauth2_federated_source), and reads it again when it is near
// its own expiry: a GitHub ID token lasts minutes, a Kubernetes projected token is rotated in place.
import { usesGivenAssertion } from '../../oauth/client-auth.js';
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TokenConfig } from '../../oauth/config.js';
import { decodeJwt } from '../../oauth/jwt.js';
import { OAuthError } from '../../oauth/errors.js';
import { VARIABLES } from '../../oauth/vocabulary.js';

/** Where Entra ID's federated identity credentials expect GitHub's tokens to be addressed. */
export const DEFAULT_FEDERATED_AUDIENCE = 'api://AzureADTokenExchange';

/** Read again this long before the assertion's exp: the token request must reach the server in time. */
const RENEW_BEFORE_SECONDS = 60;

export type FederatedSource =
  | { readonly kind: 'github' }
  | { readonly kind: 'env'; readonly name: string }
  | { readonly kind: 'file'; readonly path: string };

export const FEDERATED_SOURCE_FORMS = 'github, env:<VARIABLE> (GitLab id_tokens) or file:<path> (Kubernetes, SPIFFE)';

/** @throws OAuthError CONFIG_INVALID naming the forms a source takes */
export function parseFederatedSource(text: string): FederatedSource {
  const value = text.trim();
  if (value === 'github') return { kind: 'github' };
  const env = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(value);
  if (env?.[1]) return { kind: 'env', name: env[1] };
  const file = /^file:(.+)$/.exec(value);
  if (file?.[1]) return { kind: 'file', path: file[1].trim() };
  throw new OAuthError(
    'CONFIG_INVALID',
    `${VARIABLES.federatedSource} is "${value}"`,
    `write one of ${FEDERATED_SOURCE_FORMS}`,
  );
}

export interface AssertionSourceDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => number;
  /** GETs a URL with headers and gives the status and body (the GitHub Actions ID token request). */
  readonly get: (url: string, headers: Record<string, string>) => Promise<{ status: number; body: string }>;
  /** Each value read that is a secret (the assertion, GitHub's request token): the redactor must know it. */
  readonly onSecret: (value: string) => void;
}

/**
 * Reads assertions from their sources, keeping each until it is near its exp. The key is the source
 * and the audience: two configurations with the same source share one assertion.
 */
export class FederatedAssertions {
  private readonly cache = new Map<string, { assertion: string; renewAtMs: number }>();
  private readonly pending = new Map<string, Promise<string>>();

  constructor(private readonly deps: AssertionSourceDeps) {}

  async assertion(sourceText: string, audience: string): Promise<string> {
    const key = `${sourceText}\n${audience}`;
    const cached = this.cache.get(key);
    if (cached && this.deps.now() < cached.renewAtMs) return cached.assertion;
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const reading = this.read(parseFederatedSource(sourceText), audience).finally(() => this.pending.delete(key));
    this.pending.set(key, reading);
    const assertion = await reading;
    this.cache.set(key, { assertion, renewAtMs: renewAt(assertion, this.deps.now()) });
    return assertion;
  }

  private async read(source: FederatedSource, audience: string): Promise<string> {
    const text = (await this.readRaw(source, audience)).trim();
    if (text) this.deps.onSecret(text);
    const where = describeSource(source);
    const claims = decodeJwt(text)?.claims;
    if (!claims) {
      throw new OAuthError(
        'CONFIG_INVALID',
        `${where} did not give a JWT (${text ? `${text.length} characters, not three base64url parts` : 'it is empty'})`,
        adviceFor(source),
      );
    }
    const exp = typeof claims['exp'] === 'number' ? claims['exp'] : undefined;
    if (exp !== undefined && exp * 1000 <= this.deps.now()) {
      throw new OAuthError(
        'CONFIG_INVALID',
        `${where} gave an ID token that expired at ${new Date(exp * 1000).toISOString()}`,
        source.kind === 'file'
          ? 'the file is not being rotated: check the projected token volume (expirationSeconds) or the SPIFFE helper'
          : 'start the job again: a CI ID token lasts minutes, and is read when the job starts',
      );
    }
    return text;
  }

  private async readRaw(source: FederatedSource, audience: string): Promise<string> {
    if (source.kind === 'env') {
      const value = this.deps.env[source.name];
      if (!value)
        throw new OAuthError(
          'CONFIG_MISSING',
          `${source.name} is not set in the environment (${VARIABLES.federatedSource}=env:${source.name})`,
          adviceFor(source),
        );
      return value;
    }
    if (source.kind === 'file') {
      return readFile(source.path, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new OAuthError(
          'CONFIG_MISSING',
          `${VARIABLES.federatedSource}=file:${source.path}: ${error.code === 'ENOENT' ? 'no such file' : (error.code ?? error.message)}`,
          adviceFor(source),
        );
      });
    }
    return this.readGithub(audience);
  }

  /** https://docs.github.com/actions/reference/security/oidc: the runner's URL, with the audience asked for. */
  private async readGithub(audience: string): Promise<string> {
    const url = this.deps.env['ACTIONS_ID_TOKEN_REQUEST_URL'];
    const bearer = this.deps.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
    if (!url || !bearer) {
      throw new OAuthError(
        'CONFIG_MISSING',
        `${VARIABLES.federatedSource}=github, but ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN are not set`,
        adviceFor({ kind: 'github' }),
      );
    }
    this.deps.onSecret(bearer);
    const address = new URL(url);
    address.searchParams.set('audience', audience);
    const { status, body } = await this.deps
      .get(address.toString(), { Authorization: `bearer ${bearer}`, Accept: 'application/json' })
      .catch((error: Error) => {
        throw new OAuthError(
          'TOKEN_REQUEST_FAILED',
          `the GitHub Actions ID token request failed (${error.message})`,
          'run it again; if it persists, check the runner can reach ACTIONS_ID_TOKEN_REQUEST_URL',
        );
      });
    let value: unknown;
    try {
      value = (JSON.parse(body) as { value?: unknown }).value;
    } catch {
      value = undefined;
    }
    if (status !== 200 || typeof value !== 'string') {
      throw new OAuthError(
        'TOKEN_REQUEST_FAILED',
        `GitHub Actions did not give an ID token for the audience ${audience} (HTTP ${status})`,
        adviceFor({ kind: 'github' }),
      );
    }
    return value;
  }
}

function renewAt(assertion: string, nowMs: number): number {
  const exp = decodeJwt(assertion)?.claims['exp'];
  // Without an exp, read it anew for each token request: it costs a read, never a stale assertion.
  return typeof exp === 'number' ? exp * 1000 - RENEW_BEFORE_SECONDS * 1000 : nowMs;
}

export function describeSource(source: FederatedSource): string {
  if (source.kind === 'github') return 'GitHub Actions';
  if (source.kind === 'env') return `the environment variable ${source.name}`;
  return `the file ${source.path}`;
}

function adviceFor(source: FederatedSource): string {
  if (source.kind === 'github')
    return 'give the job `permissions: id-token: write` (pm-oauth2 init --federated writes it); the variables exist only in GitHub Actions jobs';
  if (source.kind === 'env')
    return `in GitLab, ask for the token in the job: \`id_tokens: ${source.name}: aud: <the audience your provider expects>\``;
  return "mount the token where the path says (a projected service account token, or the SPIFFE helper's JWT-SVID file)";
}

/** A federated configuration with its assertion from its source; any other as it is. */
export async function withFederatedAssertion(
  config: TokenConfig,
  assertions: FederatedAssertions,
): Promise<TokenConfig> {
  const { given, federatedSource, federatedAudience } = config.assertion;
  if (!usesGivenAssertion(config.clientAuth) || given || !federatedSource) return config;
  const assertion = await assertions.assertion(federatedSource, federatedAudience || DEFAULT_FEDERATED_AUDIENCE);
  return { ...config, assertion: { ...config.assertion, given: assertion } };
}

/** The assertions of one job, read from this process's environment; each value read is handed to `onSecret`. */
export function jobFederatedAssertions(
  onSecret: (value: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): FederatedAssertions {
  return new FederatedAssertions({ env, now: () => Date.now(), get: httpGet, onSecret });
}

/** A GET with node:http(s) (already loaded by Newman), no redirect followed, bounded in time. */
function httpGet(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const outgoing = send(url, { method: 'GET', headers, timeout: 30_000 }, (incoming) => {
      let body = '';
      incoming.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body }));
      incoming.on('error', reject);
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('no answer within 30 s')));
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/**
 * What the provider will see of an assertion — its iss, sub and aud, the three values a federated
 * credential is registered with (identifiers, not secrets) — for doctor.
 */
export function describeFederatedAssertion(assertion: string, sourceText: string, nowMs: number): string[] {
  const claims = decodeJwt(assertion)?.claims ?? {};
  const aud = Array.isArray(claims['aud']) ? claims['aud'].join(' ') : String(claims['aud'] ?? '');
  const exp = typeof claims['exp'] === 'number' ? claims['exp'] : undefined;
  const where = sourceText ? describeSource(parseFederatedSource(sourceText)) : VARIABLES.clientAssertion;
  return [
    `✓ federated assertion from ${where} (not verified here: the provider checks its signature)`,
    `  iss       ${String(claims['iss'] ?? '(none)')}`,
    `  sub       ${String(claims['sub'] ?? '(none)')}`,
    `  aud       ${aud || '(none)'}`,
    ...(exp === undefined
      ? []
      : [`  exp       ${new Date(exp * 1000).toISOString()} (in ${Math.round(exp - nowMs / 1000)} s)`]),
    "  register exactly these iss, sub and aud as the client's federated credential",
  ];
}
