// Newman's runtime takes each step of a request (postman-runtime's Instruction: the item, its
// events, the request, the tests…) in a new turn of the event loop with setTimeout(next, 0). Node
// makes that 1 ms, and a request takes about seven such steps, so a Newman process waits ~7 ms of
// every ~10 ms a request costs against a local API, doing nothing (a CPU profile shows it idle 80 %
// of the time). While our in-process run lasts, a timer of no delay is a setImmediate instead: the
// same new turn of the loop, after pending I/O, without the millisecond. Timers with a delay
// (--delay-request, timeouts) and the scripts' own timers (the sandbox took Node's `timers` module
// when it started) are untouched; PM_OAUTH2_EXACT_TIMERS=1 leaves every timer as Newman has it.

type Callback = (...args: unknown[]) => void;

const EXACT_TIMERS_VARIABLE = 'PM_OAUTH2_EXACT_TIMERS';

let users = 0;
let original: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout } | undefined;

/** Runs `work` with zero-delay timers as immediates; nested and overlapping calls share one install. */
export async function withImmediateTimers<T>(work: () => Promise<T>, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  if (env[EXACT_TIMERS_VARIABLE] === '1') return work();
  install();
  try {
    return await work();
  } finally {
    uninstall();
  }
}

/** Whether zero-delay timers are immediates now (for tests). */
export function immediateTimersInstalled(): boolean {
  return original !== undefined;
}

function install(): void {
  if (users++ > 0) return;
  const saved = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout };
  original = saved;
  const immediate = function setTimeout(callback: Callback, delay?: number, ...args: unknown[]) {
    // Node runs a delay below 1, or one that is not a number, after 1 ms: those are the "no delay" timers.
    if (typeof callback === 'function' && !(Number(delay) >= 1)) return setImmediate(callback, ...args);
    return saved.setTimeout(callback, delay, ...args);
  };
  globalThis.setTimeout = Object.assign(immediate, {
    __promisify__: saved.setTimeout.__promisify__,
  }) as unknown as typeof setTimeout;
  globalThis.clearTimeout = function clearTimeout(handle: Parameters<typeof saved.clearTimeout>[0] | NodeJS.Immediate) {
    if (handle instanceof IMMEDIATE) return clearImmediate(handle);
    return saved.clearTimeout(handle);
  } as typeof clearTimeout;
}

function uninstall(): void {
  if (--users > 0 || !original) return;
  globalThis.setTimeout = original.setTimeout;
  globalThis.clearTimeout = original.clearTimeout;
  original = undefined;
}

const IMMEDIATE = (() => {
  const probe = setImmediate(() => undefined);
  clearImmediate(probe);
  return probe.constructor as new () => NodeJS.Immediate;
})();
