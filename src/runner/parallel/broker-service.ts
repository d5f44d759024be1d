// The parent's side of --parallel's tokens: each worker's asks answered from the one broker of the
// job, so N workers cost one token request per configuration, and a failing endpoint is asked once.
import { isOAuthError } from '../../oauth/errors.js';
import type { TokenBroker } from '../fast-path/token-broker.js';
import type { ParentMessage, SentError, WorkerMessage } from './messages.js';

export interface WorkerChannel {
  send(message: ParentMessage): unknown;
}

/** Answers one message of a worker; false when it is not about tokens. */
export function serveTokens(broker: TokenBroker, worker: WorkerChannel, message: WorkerMessage): boolean {
  if (message.type === 'drop') {
    broker.drop(message.fingerprint, message.accessToken, message.replace);
    return true;
  }
  if (message.type !== 'ensure') return false;
  broker
    .ensure(message.fingerprint, () => message.config, message.profile, message.margin)
    .then(
      () => {
        const token = broker.issued(message.fingerprint);
        if (token) worker.send({ type: 'token', id: message.id, token: token.token, replacement: token.replacement });
        else
          worker.send({
            type: 'failed',
            id: message.id,
            error: { message: 'the token was dropped as it was handed out; the request is retried' },
          });
      },
      (error: unknown) => worker.send({ type: 'failed', id: message.id, error: sentError(error) }),
    );
  return true;
}

function sentError(error: unknown): SentError {
  if (isOAuthError(error))
    return { message: error.message, code: error.code, advice: error.advice, details: error.details };
  return { message: error instanceof Error ? error.message : String(error) };
}
