/**
 * Connections that have not said hello yet (docs/protocol.md, "The mesh"): at most one per
 * member, each with a deadline. One that misses it is closed and reported as lapsed, so an
 * admission that makes no progress ends with its connection.
 */
import type { DataConnection } from 'peerjs';
import type { Timers } from './types.js';

/** How long a pending connection has to open, and then to say hello, in ms. */
export interface Deadlines {
  open: number;
  hello: number;
}

export class PendingLinks {
  private readonly pending = new Map<string, { conn: DataConnection; timer: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly timers: Timers,
    /** A connection missed its deadline and was closed. */
    private readonly lapsed: (id: string) => void,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  has(id: string): boolean {
    return this.pending.has(id);
  }

  /** The member's pending connection, if any. */
  get(id: string): DataConnection | undefined {
    return this.pending.get(id)?.conn;
  }

  ids(): string[] {
    return [...this.pending.keys()];
  }

  connections(): DataConnection[] {
    return [...this.pending.values()].map((p) => p.conn);
  }

  /**
   * Holds `conn` in place of any other pending connection of the member (closed) until it says
   * hello: `deadlines.open` ms to open, then `deadlines.hello` ms from its opening. Each deadline
   * counts from the last step made, so a slow page's handshake is not cut short while it goes on,
   * and one that stops lapses. `missed` runs too when a deadline is missed, after the lapse is
   * reported.
   */
  hold(id: string, conn: DataConnection, deadlines: Deadlines, missed?: () => void): void {
    const previous = this.pending.get(id);
    if (previous) {
      this.release(id, previous.conn);
      if (previous.conn !== conn) previous.conn.close();
    }
    this.arm(id, conn, conn.open ? deadlines.hello : deadlines.open, missed);
    if (conn.open) return;
    conn.on('open', () => {
      const p = this.pending.get(id);
      if (p?.conn !== conn) return;
      this.timers.cancel(p.timer);
      this.arm(id, conn, deadlines.hello, missed);
    });
  }

  /** Lets go of `conn` (it said hello, or closed), if it is the member's pending connection. */
  release(id: string, conn: DataConnection): void {
    const p = this.pending.get(id);
    if (p?.conn !== conn) return;
    this.timers.cancel(p.timer);
    this.pending.delete(id);
  }

  private arm(id: string, conn: DataConnection, ms: number, missed?: () => void): void {
    const timer = this.timers.after(ms, () => {
      if (this.pending.get(id)?.conn !== conn) return;
      this.pending.delete(id);
      conn.close();
      this.lapsed(id);
      missed?.();
    });
    this.pending.set(id, { conn, timer });
  }
}
