// oauth2_assertion_audience=issuer: the assertion's aud is the authorization server's issuer
// identifier, as RFC 7523's update (draft-ietf-oauth-rfc7523bis) says a client should use, found in
// the server's metadata (RFC 8414, OpenID Connect Discovery) — only the metadata whose
// token_endpoint is this very token URL, so another server's issuer is never taken.
import type { TokenConfig } from '../../oauth/config.js';
import { OAuthError } from '../../oauth/errors.js';
import { ISSUER_AUDIENCE } from '../../oauth/jose/client-assertion.js';
import { VARIABLES } from '../../oauth/vocabulary.js';

/** Fetches a metadata document: its JSON, or undefined for any failure (not every server has one where we look). */
export type MetadataFetch = (url: string) => Promise<Record<string, unknown> | undefined>;

/** The metadata URLs a token URL's issuer may publish, most specific first. */
export function metadataCandidates(tokenUrl: string): string[] {
  const url = new URL(tokenUrl);
  const segments = url.pathname.split('/').filter(Boolean);
  const candidates: string[] = [];
  for (let n = segments.length - 1; n >= 0; n--) {
    const path = segments
      .slice(0, n)
      .map((s) => `/${s}`)
      .join('');
    candidates.push(
      `${url.origin}${path}/.well-known/openid-configuration`,
      `${url.origin}/.well-known/oauth-authorization-server${path}`,
    );
  }
  return candidates;
}

export class IssuerAudiences {
  private readonly issuers = new Map<string, Promise<string>>();

  constructor(private readonly fetchMetadata: MetadataFetch = fetchJson) {}

  /** The configuration with `aud` = the issuer, when it asks for it; any other as it is. */
  async resolve(config: TokenConfig): Promise<TokenConfig> {
    if (config.assertion.audience !== ISSUER_AUDIENCE) return config;
    let issuer = this.issuers.get(config.tokenUrl);
    if (!issuer) {
      issuer = this.discover(config.tokenUrl);
      this.issuers.set(config.tokenUrl, issuer);
      issuer.catch(() => this.issuers.delete(config.tokenUrl));
    }
    return { ...config, assertion: { ...config.assertion, audience: await issuer } };
  }

  private async discover(tokenUrl: string): Promise<string> {
    for (const url of metadataCandidates(tokenUrl)) {
      const metadata = await this.fetchMetadata(url);
      if (metadata?.['token_endpoint'] === tokenUrl && typeof metadata['issuer'] === 'string')
        return metadata['issuer'];
    }
    throw new OAuthError(
      'CONFIG_INVALID',
      `${VARIABLES.assertionAudience}=issuer, but no metadata found near ${VARIABLES.tokenUrl} names it as its token_endpoint`,
      `write the issuer identifier itself in ${VARIABLES.assertionAudience} (the "issuer" of the server's openid-configuration)`,
    );
  }
}

async function fetchJson(url: string): Promise<Record<string, unknown> | undefined> {
  try {
    const response = await fetch(url, {
      signal: AbortSignal.timeout(5000),
      headers: { accept: 'application/json' },
      redirect: 'manual',
    });
    if (!response.ok) return undefined;
    const value: unknown = await response.json();
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
