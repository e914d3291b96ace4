/**
 * A token bucket: a burst of `burst` events, then one more every `every` ms (refilled
 * continuously). Unlike a sliding window (recent-events.ts), it says how long until the next
 * event may come, so that one over the rate can wait for its turn instead of being dropped.
 */
import { clock } from './clock.js';

export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly burst: number,
    private readonly every: number,
    now = clock(),
  ) {
    this.tokens = burst;
    this.at = now;
  }

  /** How long (ms) until an event may come: 0 when one may now. */
  wait(now = clock()): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) * this.every);
  }

  /** Counts an event at `now`; false, and it is not counted, when it must wait. */
  take(now = clock()): boolean {
    if (this.wait(now) > 0) return false;
    this.tokens -= 1;
    return true;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + Math.max(0, now - this.at) / this.every);
    this.at = Math.max(this.at, now);
  }
}
