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

/**
 * A RecentEvents window per sender, for the `senders` seen last: a sender new past that makes
 * the one seen longest ago forgotten (it starts afresh, as a sender never seen).
 */
export class RecentEventsBySender {
  private readonly windows = new Map<string, RecentEvents>();

  constructor(
    private readonly max: number,
    private readonly window: number,
    private readonly senders: number,
  ) {}

  /** Counts an event from `sender` at `now`; false, and it is not counted, when its window is full. */
  take(sender: string, now = clock()): boolean {
    let recent = this.windows.get(sender);
    if (recent) this.windows.delete(sender);
    else {
      recent = new RecentEvents(this.max, this.window);
      if (this.windows.size >= this.senders) this.windows.delete(this.windows.keys().next().value!);
    }
    // Set again on every event, so that the map's first entry is the sender seen longest ago.
    this.windows.set(sender, recent);
    return recent.take(now);
  }
}
