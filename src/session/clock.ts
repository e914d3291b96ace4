/**
 * The session's clock for its deadlines and durations (docs/protocol.md, "Timings and limits"),
 * in ms: the wall clock, so that the time a machine slept counts (a monotonic clock stops during
 * a sleep on Linux and macOS), except that it never goes back. When the wall clock is set back
 * (by hand, or by a time sync), this clock runs on from where it was, by what the monotonic
 * clock counted meanwhile: a member that went silent still goes after `silence`, not after
 * `silence` plus the hour the wall clock lost.
 */

/** The wall clock fell behind the monotonic one by more than this (ms) between two readings: it was set back. */
const SET_BACK = 1_000;

/** A clock over these two sources (each read afresh every time). */
export function createClock(wall: () => number, monotonic: () => number): () => number {
  let lastWall = wall();
  let lastMonotonic = monotonic();
  let offset = 0;
  return () => {
    const w = wall();
    const m = monotonic();
    const lag = m - lastMonotonic - (w - lastWall);
    if (lag > SET_BACK) offset += lag;
    lastWall = w;
    lastMonotonic = m;
    return w + offset;
  };
}

/** The session's clock: `Date.now()` while the wall clock is not set back. */
export const clock = createClock(
  () => Date.now(),
  () => performance.now(),
);
