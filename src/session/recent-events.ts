/**
 * A sliding window: an event is let through while fewer than `max` came within the `window` ms
 * before it. Bounded by `max`.
 */
import { clock } from './clock.js';

export class RecentEvents {
  private times: number[] = [];

  constructor(
    private readonly max: number,
    private readonly window: number,
  ) {}

  /** Counts an event at `now`; false, and it is not counted, when `max` came within the window. */
  take(now = clock()): boolean {
    this.times = this.times.filter((t) => now - t < this.window);
    if (this.times.length >= this.max) return false;
    this.times.push(now);
    return true;
  }
}
