// OpenAPI conversion fakes example values (openapi-to-postmanv2 turns its schema faker on whatever
// the options say), with Math.random and dates counted back from now: every build of the same
// document would differ. While a conversion runs, randomness comes from a generator seeded by the
// document itself and "now" is a fixed instant, so the same input always builds the same bytes.
import { createHash } from 'node:crypto';

/** mulberry32: small, fast, and plenty for example values (never for anything secret). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seedFrom(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

/** The "now" of every conversion: faked dates count back from it. */
export const FIXED_NOW = Date.UTC(2000, 0, 1);

/** Date, but `new Date()` and `Date.now()` give FIXED_NOW. */
function fixedClock(real: DateConstructor): DateConstructor {
  class FixedDate extends real {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(FIXED_NOW);
      else super(...(args as [number, number, number]));
    }

    static override now(): number {
      return FIXED_NOW;
    }
  }
  return FixedDate as DateConstructor;
}

/** The conversion under way: the next waits for it (see withSeededRandom). */
let previous: Promise<unknown> = Promise.resolve();

/**
 * Runs `convert` with Math.random (and any faker that captured it, via `install`) seeded and the
 * clock fixed; restores all three after. Conversions run one at a time, whoever calls: two at once
 * would share one random stream (neither build repeatable) and the later would restore the earlier's
 * fixed clock and seeded Math.random for good, for the whole process.
 */
export function withSeededRandom<T>(
  seed: number,
  install: (random: () => number) => () => void,
  convert: () => Promise<T>,
): Promise<T> {
  const turn = previous.then(() => seededWhile(seed, install, convert));
  previous = turn.catch(() => undefined);
  return turn;
}

async function seededWhile<T>(
  seed: number,
  install: (random: () => number) => () => void,
  convert: () => Promise<T>,
): Promise<T> {
  const original = { random: Math.random, Date: globalThis.Date };
  const random = seeded(seed);
  Math.random = random;
  globalThis.Date = fixedClock(original.Date);
  const uninstall = install(random);
  try {
    return await convert();
  } finally {
    Math.random = original.random;
    globalThis.Date = original.Date;
    uninstall();
  }
}
