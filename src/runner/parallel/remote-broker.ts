// A --parallel worker's tokens: asked of the parent's broker (one token per configuration for the
// whole job, one breaker), and kept here while they are fresh, so a request costs no round trip.
import { isReusable } from '../../oauth/freshness.js';
import { OAuthError } from '../../oauth/errors.js';
import type { TokenConfig } from '../../oauth/config.js';
import type { IssuedToken } from '../../oauth/token-response.js';
import type { BrokeredToken, TokenSource } from '../fast-path/token-broker.js';
import type { ParentMessage, SentError, WorkerMessage } from './messages.js';

export interface Channel {
  send(message: WorkerMessage): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

interface Held {
  token: IssuedToken;
  replacement: boolean;
}

export class RemoteBroker implements TokenSource {
  private readonly held = new Map<string, Held>();
  private readonly waiting = new Map<number, { resolve: (m: ParentMessage) => void }>();
  private nextId = 1;

  constructor(
    private readonly channel: Channel,
    private readonly addToken: (accessToken: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    channel.on('message', (message) => {
      const m = message as ParentMessage;
      if (m?.type !== 'token' && m?.type !== 'failed') return;
      this.waiting.get(m.id)?.resolve(m);
      this.waiting.delete(m.id);
    });
  }

  async ensure(
    fingerprint: string,
    config: () => TokenConfig,
    profile: string,
    marginSeconds: number | undefined,
  ): Promise<BrokeredToken> {
    const held = this.held.get(fingerprint);
    if (held && isReusable({ ...held.token, fingerprint }, fingerprint, this.now(), marginSeconds))
      return { accessToken: held.token.accessToken, replacement: held.replacement };
    const id = this.nextId++;
    const answer = new Promise<ParentMessage>((resolve) => this.waiting.set(id, { resolve }));
    this.channel.send({ type: 'ensure', id, fingerprint, config: config(), profile, margin: marginSeconds });
    const reply = await answer;
    if (reply.type === 'failed') throw toError(reply.error);
    this.addToken(reply.token.accessToken);
    this.held.set(fingerprint, { token: reply.token, replacement: reply.replacement });
    return { accessToken: reply.token.accessToken, replacement: reply.replacement };
  }

  current(fingerprint: string): BrokeredToken | undefined {
    const held = this.held.get(fingerprint);
    return held ? { accessToken: held.token.accessToken, replacement: held.replacement } : undefined;
  }

  drop(fingerprint: string, accessToken: string, replace: boolean): void {
    if (this.held.get(fingerprint)?.token.accessToken === accessToken) this.held.delete(fingerprint);
    this.channel.send({ type: 'drop', fingerprint, accessToken, replace });
  }

  /** The parent reports expiries for the job. */
  expiries(): Array<{ profile: string; at: number }> {
    return [];
  }
}

/** The parent's failure as the worker's auth reports it: the same code, advice and details. */
function toError(error: SentError): Error {
  return error.code
    ? new OAuthError(error.code, error.message, error.advice ?? '', error.details ?? {})
    : new Error(error.message);
}
