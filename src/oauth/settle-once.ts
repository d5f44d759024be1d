import type { AttemptResult } from './fetch-token.js';

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/**
 * An attempt's `done`, callable once only and bounded by a timer: a transport may answer twice (the
 * app's sandbox calls a callback again after a throw) or late, after the time-out has fired.
 * @param onTimeout runs once the time-out has settled the attempt, e.g. to abort the request
 */
export function settleOnce(
  done: (result: AttemptResult) => void,
  timeoutMs: number,
  timers: Timers,
  onTimeout: () => void = () => undefined,
): (result: AttemptResult) => void {
  let settled = false;
  const settle = (result: AttemptResult): void => {
    if (settled) return;
    settled = true;
    timers.clear(timer);
    done(result);
  };
  const timer = timers.set(() => {
    settle({ transportCode: 'ETIMEDOUT' });
    onTimeout();
  }, timeoutMs);
  return settle;
}
