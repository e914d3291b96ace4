/**
 * Connections that have not said hello yet (docs/protocol.md, "The mesh"): at most one per
 * member, each with a deadline. One that misses it is closed and reported as lapsed, so an
 * admission that makes no progress ends with its connection.
 */
import type { DataConnection } from 'peerjs';
import { clock } from './clock.js';
import type { Timers } from './types.js';

/** Connections that have not said hello yet, at most, at once. */
export const MAX_PENDING = 16;

/** How long a pending connection has to open, and then to say hello, in ms. */
export interface Deadlines {
  open: number;
  /** At least this much more to open after each step on the way (see STEPS). */
  step: number;
  hello: number;
}

/**
 * The steps a connection makes on its way to opening, each counted once: the offer answered
 * (its signalling is stable again), ICE checking, ICE connected. So a connection has
 * `open + 3 × step` at the most to open, then `hello` (25 s, then 5 s, with the default timings).
 */
const STEPS: ((pc: RTCPeerConnection) => string | null)[] = [
  (pc) => (pc.signalingState === 'stable' && pc.remoteDescription && pc.localDescription ? 'answered' : null),
  (pc) => (pc.iceConnectionState === 'checking' ? 'checking' : null),
  (pc) => (pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed' ? 'connected' : null),
];

export class PendingLinks {
  private readonly pending = new Map<string, { conn: DataConnection; timer: ReturnType<typeof setTimeout>; due: number }>();

  constructor(
    private readonly timers: Timers,
    /** A connection missed its deadline and was closed. */
    private readonly lapsed: (id: string) => void,
    /** A connection made a step towards opening. */
    private readonly progressed: (id: string) => void,
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
   * hello: `deadlines.open` ms to open, at least `deadlines.step` more after each step on the
   * way, then `deadlines.hello` ms from its opening. Deadlines count from the progress made, so
   * a slow page's handshake is not cut short while it goes on, and one that stops lapses.
   * `missed` runs too when a deadline is missed, after the lapse is reported.
   */
  hold(id: string, conn: DataConnection, deadlines: Deadlines, missed?: () => void): void {
    const previous = this.pending.get(id);
    if (previous) {
      this.release(id, previous.conn);
      if (previous.conn !== conn) previous.conn.close();
    }
    this.arm(id, conn, conn.open ? deadlines.hello : deadlines.open, missed);
    if (conn.open) return;
    const rearm = (ms: number, always: boolean) => {
      const p = this.pending.get(id);
      if (p?.conn !== conn || (!always && p.due - clock() >= ms)) return;
      this.timers.cancel(p.timer);
      this.arm(id, conn, ms, missed);
    };
    conn.on('open', () => rearm(deadlines.hello, true));
    const pc = conn.peerConnection as RTCPeerConnection | undefined;
    const made = new Set<string>();
    const step = () => {
      if (conn.open || this.pending.get(id)?.conn !== conn) return;
      for (const reached of STEPS) {
        const name = pc && reached(pc);
        if (!name || made.has(name)) continue;
        made.add(name);
        rearm(deadlines.step, false);
        this.progressed(id);
      }
    };
    pc?.addEventListener?.('signalingstatechange', step);
    pc?.addEventListener?.('iceconnectionstatechange', step);
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
    this.pending.set(id, { conn, timer, due: clock() + ms });
  }
}
