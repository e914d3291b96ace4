/**
 * Hellos said again (docs/protocol.md, "The mesh" and "Private rooms"). Now and then a
 * connection's first frame does not reach the other end although the frames after it do
 * (Chromium 156: one to five joins in a hundred on loopback). The end that got the first frame goes
 * on and sends more; the other waits for a frame that will not come, and the pair would stay
 * apart until the connection lapses (admitHold). So a frame on a connection still waiting for the
 * other end's hello makes this page say its own hello again (in a private room, its challenge,
 * when the other end's proof is what is missing), and a hello on a connection already linked is
 * answered with this page's: what was lost comes back in one round trip. Each connection gets a
 * few such frames, spaced out, so that a peer cannot turn them into a flood.
 */
import type { DataConnection } from 'peerjs';
import { clock } from './clock.js';
import { type AuthFrame, type HelloFrame, encodeFrame } from './frames.js';

/** Frames said again on one connection, at most. */
export const MAX_REPEATS = 3;
/** Time between two of them on one connection, at least (ms). */
const SPACING = 500;

export class HelloRepeats {
  private readonly said = new WeakMap<DataConnection, { count: number; at: number }>();

  /** Says `frame()` (null: nothing, the session is over) on `conn` once more, if its bounds allow it now. */
  say(conn: DataConnection, frame: () => HelloFrame | AuthFrame | null, now = clock()): void {
    const last = this.said.get(conn);
    if (!conn.open || (last && (last.count >= MAX_REPEATS || now - last.at < SPACING))) return;
    const said = frame();
    if (!said) return;
    this.said.set(conn, { count: (last?.count ?? 0) + 1, at: now });
    conn.send(encodeFrame(said));
  }
}
