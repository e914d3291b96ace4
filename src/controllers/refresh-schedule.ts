/**
 * When an element asks its server for ICE servers again: the clocks and the timer it runs on,
 * how old credentials are, and how long it waits after a failed fetch.
 */

/** The clocks and the timer the refresh runs on; unit tests give their own. */
export interface Timing {
  /** A monotonic clock (ms): performance.now(), which stops while the machine sleeps on most systems. */
  monotonic(): number;
  /** The wall clock (ms): Date.now(), which counts a sleep but may be set back. */
  wall(): number;
  setTimeout(fn: () => void, ms: number): ReturnType<typeof setTimeout>;
  clearTimeout(timer: ReturnType<typeof setTimeout>): void;
  /** 0 to 1, for the spread of retries. */
  random(): number;
}

export const realTiming: Timing = {
  monotonic: () => performance.now(),
  wall: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (timer) => clearTimeout(timer),
  random: () => Math.random(),
};

/** A moment, read on both clocks. */
export interface Moment {
  monotonic: number;
  wall: number;
}

export const now = (timing: Timing): Moment => ({ monotonic: timing.monotonic(), wall: timing.wall() });

/**
 * The ms since `moment`, by whichever clock counted more: the monotonic clock misses the time
 * the machine slept, which TURN credentials do not (coturn checks them by its wall clock), and
 * the wall clock misses what it was set back by.
 */
export function since(moment: Moment, timing: Timing): number {
  return Math.max(timing.monotonic() - moment.monotonic, timing.wall() - moment.wall);
}

/**
 * A timer counts monotonic time too, and so waits out a sleep on top of its delay: a wait for a
 * renewal looks at the clocks at least this often (ms).
 */
export const CHECK_EVERY = 60_000;

/** The first wait after a failed fetch; it doubles after each failure up to RETRY_MAX. */
const RETRY_FIRST = 2_000;
export const RETRY_MAX = 60_000;
/** The longest Retry-After honoured: a larger one (or a broken proxy's) waits this long. */
export const RETRY_AFTER_MAX = 600_000;

/**
 * The server's Retry-After (a 429 or 503), in ms within RETRY_AFTER_MAX; null when there is
 * none, or it is not a number of seconds (an HTTP date is not worth trusting a page's clock for).
 */
export function retryAfter(header: string | null): number | null {
  const seconds = /^\s*(\d+)\s*$/.exec(header ?? '')?.[1];
  return seconds === undefined ? null : Math.min(RETRY_AFTER_MAX, Number(seconds) * 1000);
}

/**
 * How long to wait after the `failures`th failure in a row (1 for the first): 2 s, doubling up
 * to a minute, and up to a quarter less at random, so that the pages that lost their server
 * together do not come back all at once. Never sooner than the server's Retry-After (ms), and
 * up to a quarter later, for the same reason.
 */
export function retryDelay(failures: number, serverWait: number | null, random: () => number): number {
  const backoff = Math.min(RETRY_MAX, RETRY_FIRST * 2 ** Math.min(Math.max(0, failures - 1), 16));
  return Math.max(backoff * (1 - random() / 4), (serverWait ?? 0) * (1 + random() / 4));
}
