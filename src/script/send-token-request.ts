import type { AssertionFactory, AttemptResult, FetchRuntime } from '../oauth/fetch-token.js';
import { settleOnce } from '../oauth/settle-once.js';
import type { TokenRequest } from '../oauth/token-request.js';
import type { TokenHttpResponse } from '../oauth/token-response.js';

/** The token fetch's runtime in the sandbox: pm.sendRequest, the sandbox's timers and clock. */
export function sandboxRuntime(assertions: AssertionFactory | undefined): FetchRuntime {
  return { send: sendTokenRequest, wait: (ms, then) => void setTimeout(then, ms), now: () => Date.now(), assertions };
}

/**
 * One token request, bounded by our own timer (the run's timeoutRequest is infinite by default).
 * `done` is called exactly once: the app's sandbox may call a callback a second time, and a late
 * answer after the timer fired must be ignored.
 */
export function sendTokenRequest(
  request: TokenRequest,
  timeoutMs: number,
  done: (result: AttemptResult) => void,
): void {
  const settle = settleOnce(done, timeoutMs, { set: setTimeout, clear: clearTimeout });
  pm.sendRequest(
    {
      url: request.url,
      method: request.method,
      header: request.headers.map((h) => ({ key: h.key, value: h.value })),
      body: { mode: 'raw', raw: request.body },
    },
    (error, response) => {
      try {
        if (error || !response) settle({ transportCode: (error && (error.code || error.message)) || 'ERROR' });
        else settle({ response: toHttpResponse(response) });
      } catch {
        // Never throw from this callback: newman swallows it and the app's sandbox calls us again.
        settle({ transportCode: 'RESPONSE_UNREADABLE' });
      }
    },
  );
}

function toHttpResponse(response: PmResponse): TokenHttpResponse {
  return {
    status: response.code,
    header: (name) => String(response.headers.get(name) ?? ''),
    body: response.text(),
  };
}
