import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { immediateTimersInstalled, withImmediateTimers } from '../../src/runner/immediate-timers.js';
import { runCollection } from '../../src/runner/newman-run.js';
import { createTokenStats } from '../../src/runner/token-stats.js';

/** Counts the zero-delay timers that reach Node's own setTimeout (each one waits a millisecond). */
function countZeroDelayTimers(): { count: () => number; restore: () => void } {
  const real = globalThis.setTimeout;
  let zero = 0;
  globalThis.setTimeout = Object.assign(
    (callback: () => void, delay?: number, ...args: unknown[]) => {
      if (!(Number(delay) >= 1)) zero++;
      return (real as (...all: unknown[]) => NodeJS.Timeout)(callback, delay, ...args);
    },
    { __promisify__: real.__promisify__ },
  ) as unknown as typeof setTimeout;
  return {
    count: () => zero,
    restore: () => {
      globalThis.setTimeout = real;
    },
  };
}

describe('zero-delay timers as immediates while Newman runs', () => {
  it('runs a zero-delay timer as an immediate, leaves a delayed one to Node, and can cancel both', async () => {
    const order: string[] = [];
    await withImmediateTimers(async () => {
      assert.equal(immediateTimersInstalled(), true);
      const delayed = setTimeout(() => order.push('delayed'), 5);
      assert.equal(typeof delayed.refresh, 'function', "a timer with a delay is Node's own");
      setTimeout(() => order.push('zero'), 0);
      setTimeout((a: string) => order.push(a), undefined as unknown as number, 'undefined delay, with an argument');
      clearTimeout(setTimeout(() => order.push('cancelled immediate'), 0));
      clearTimeout(setTimeout(() => order.push('cancelled timer'), 2));
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(
        order,
        ['zero', 'undefined delay, with an argument'],
        'zero-delay timers ran on the next turn of the loop',
      );
      await new Promise((resolve) => setTimeout(resolve, 10));
    });
    assert.deepEqual(order, ['zero', 'undefined delay, with an argument', 'delayed']);
    assert.equal(immediateTimersInstalled(), false, "Node's timers are back once the work is done");
  });

  it('shares one install between overlapping runs, restores it after a failure, and stays off with PM_OAUTH2_EXACT_TIMERS=1', async () => {
    const node = globalThis.setTimeout;
    let release: () => void = () => undefined;
    const first = withImmediateTimers(() => new Promise<void>((resolve) => (release = resolve)));
    await assert.rejects(
      withImmediateTimers(async () => {
        assert.notEqual(globalThis.setTimeout, node);
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(immediateTimersInstalled(), true, 'the first run still has them');
    release();
    await first;
    assert.equal(globalThis.setTimeout, node);
    await withImmediateTimers(async () => assert.equal(globalThis.setTimeout, node), { PM_OAUTH2_EXACT_TIMERS: '1' });
  });

  describe('in a Newman run', () => {
    let server: Server;
    let base = '';
    before(async () => {
      server = createServer((_req, res) => res.end('ok'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => server.close());

    const run = () =>
      runCollection({
        collection: {
          info: { name: 'timers', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
          item: Array.from({ length: 20 }, (_, i) => ({
            name: `r${i}`,
            request: { url: `${base}/r${i}` },
            event: [{ listen: 'test', script: { exec: ['pm.test("ok", () => pm.response.to.have.status(200));'] } }],
          })),
        },
        environment: { name: 'e', values: [] },
        reporters: [],
        reporterOptions: {},
        timeoutRequestMs: 5000,
        bail: false,
        iterationCount: undefined,
        tokenUrls: new Set(),
        tokenStats: createTokenStats(),
      });

    it('schedules no step of a request on a 1 ms timer, with every request sent and every test passed', async () => {
      const spy = countZeroDelayTimers();
      try {
        const outcome = await run();
        assert.equal(outcome.requests, 20);
        assert.deepEqual(outcome.failures, []);
        assert.equal(spy.count(), 0, "Newman's zero-delay steps reached Node's setTimeout");
      } finally {
        spy.restore();
      }
    });

    it('leaves Newman as it is with PM_OAUTH2_EXACT_TIMERS=1 (the counter sees its steps)', async () => {
      const spy = countZeroDelayTimers();
      process.env['PM_OAUTH2_EXACT_TIMERS'] = '1';
      try {
        const outcome = await run();
        assert.equal(outcome.requests, 20);
        assert.ok(spy.count() >= 20 * 5, `only ${spy.count()} zero-delay timers for 20 requests`);
      } finally {
        delete process.env['PM_OAUTH2_EXACT_TIMERS'];
        spy.restore();
      }
    });
  });
});
