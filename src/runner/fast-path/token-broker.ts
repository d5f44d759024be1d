// The tokens of a `pm-oauth2 run`, kept in Node: one per configuration (fingerprint) for the whole job,
// fetched through the same core as the sandbox script, renewed before expiry, dropped on a rejected
// token, and with the same circuit breaker after a failure.
import { breakerError, breakerRecord, coolDownMs, type TrippedBreaker } from '../../oauth/breaker.js';
import type { TokenConfig } from '../../oauth/config.js';
import { isOAuthError } from '../../oauth/errors.js';
import { fetchTokenAsync, type FetchRuntime } from '../../oauth/fetch-token.js';
import { isReusable } from '../../oauth/freshness.js';
import { secretEchoes } from '../../oauth/failure.js';
import type { IssuedToken } from '../../oauth/token-response.js';

export interface BrokeredToken {
  readonly accessToken: string;
  /** Fetched to replace a token the API rejected: a second rejection is not retried. */
  readonly replacement: boolean;
}

interface Entry {
  token: IssuedToken | undefined;
  replacement: boolean;
  /** A fetch under way: every request that needs it waits for the same one. */
  pending: Promise<IssuedToken> | undefined;
  /** The next fetch replaces a rejected token. */
  replacing: boolean;
  failure: TrippedBreaker | undefined;
}

export interface BrokerEvents {
  /** A new token: the runner masks it in every output from now on. */
  onToken(token: IssuedToken, config: TokenConfig, profile: string, ms: number): void;
}

/** What the in-process auth asks of a broker: this one, or a --parallel worker's stand-in for its parent's (parallel/remote-broker.ts). */
export type TokenSource = Pick<TokenBroker, 'ensure' | 'current' | 'drop' | 'expiries'>;

export class TokenBroker {
  private readonly entries = new Map<string, Entry>();
  /** Each profile's newest token's expiry, for the summary. */
  private readonly profiles = new Map<string, number>();

  /**
   * @param prepare completes a configuration before its fetch: a federated one gets its assertion
   * from the CI (federated/assertion-source.ts), read anew for each fetch as it nears its exp
   */
  constructor(
    private readonly runtime: FetchRuntime,
    private readonly events: BrokerEvents,
    private readonly prepare: (config: TokenConfig) => Promise<TokenConfig> = async (config) => config,
  ) {}

  /** A usable token for the configuration, from the cache or fetched; rejects with the (possibly remembered) failure. */
  async ensure(
    fingerprint: string,
    config: () => TokenConfig,
    profile: string,
    marginSeconds: number | undefined,
  ): Promise<BrokeredToken> {
    const entry = this.entry(fingerprint);
    const now = this.runtime.now();
    if (entry.token && isReusable({ ...entry.token, fingerprint }, fingerprint, now, marginSeconds)) {
      return { accessToken: entry.token.accessToken, replacement: entry.replacement };
    }
    if (entry.failure && now < entry.failure.until) throw breakerError(entry.failure, now);
    entry.pending ??= this.fetch(entry, config(), profile);
    const token = await entry.pending;
    return { accessToken: token.accessToken, replacement: entry.replacement };
  }

  /** The token the configuration's requests are signed with now, if any. */
  current(fingerprint: string): BrokeredToken | undefined {
    const entry = this.entries.get(fingerprint);
    return entry?.token ? { accessToken: entry.token.accessToken, replacement: entry.replacement } : undefined;
  }

  /** The whole token the configuration's requests are signed with now (for a --parallel worker, which keeps it while fresh). */
  issued(fingerprint: string): { token: IssuedToken; replacement: boolean } | undefined {
    const entry = this.entries.get(fingerprint);
    return entry?.token ? { token: entry.token, replacement: entry.replacement } : undefined;
  }

  /** The API rejected this token: forget it; `replace` marks the next one as its replacement. */
  drop(fingerprint: string, accessToken: string, replace: boolean): void {
    const entry = this.entry(fingerprint);
    if (entry.token?.accessToken !== accessToken) return;
    entry.token = undefined;
    entry.replacing = replace;
  }

  /** When each profile's newest token expires. */
  expiries(): Array<{ profile: string; at: number }> {
    return [...this.profiles.entries()].map(([profile, at]) => ({ profile, at }));
  }

  private async fetch(entry: Entry, config: TokenConfig, profile: string): Promise<IssuedToken> {
    const started = this.runtime.now();
    try {
      const token = await fetchTokenAsync(await this.prepare(config), this.runtime);
      Object.assign(entry, { token, replacement: entry.replacing, replacing: false, failure: undefined });
      this.profiles.set(profile, token.expiresAt);
      this.events.onToken(token, config, profile, this.runtime.now() - started);
      return token;
    } catch (error) {
      if (isOAuthError(error) && coolDownMs(error) > 0)
        entry.failure = breakerRecord(error, this.runtime.now(), secretEchoes(config.clientSecret));
      throw error;
    } finally {
      entry.pending = undefined;
    }
  }

  private entry(fingerprint: string): Entry {
    const known = this.entries.get(fingerprint);
    if (known) return known;
    const entry: Entry = {
      token: undefined,
      replacement: false,
      pending: undefined,
      replacing: false,
      failure: undefined,
    };
    this.entries.set(fingerprint, entry);
    return entry;
  }
}
