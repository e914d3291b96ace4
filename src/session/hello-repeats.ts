/**
 * Hellos said again (docs/protocol.md, "The mesh"). Now and then a connection's first frame, its
 * hello, does not reach the other end although the frames after it do (Chromium 156, about one
 * join in a hundred on loopback). The end that got the hello has linked and sends frames; the
 * other end waits for a hello that will not come, and the pair would stay apart until the
 * connection lapses (admitHold). So a frame on a connection still waiting for its hello makes
 * this page say its own hello again, and a hello on a connection already linked is answered with
 * this page's: the missing hello comes back in one round trip. Each connection gets a few such
 * hellos, spaced out, so that a peer cannot turn them into a flood.
 */
import type { DataConnection } from 'peerjs';
import { type HelloFrame, encodeFrame } from './protocol.js';

/** Hellos said again on one connection, at most. */
export const MAX_REPEATS = 3;
/** Time between two of them on one connection, at least (ms). */
const SPACING = 500;

export class HelloRepeats {
  private readonly said = new WeakMap<DataConnection, { count: number; at: number }>();

  /** `hello` is this page's hello, or null once the session is over. */
  constructor(private readonly hello: () => HelloFrame | null) {}

  /** Says this page's hello on `conn` once more, if its bounds allow it now. */
  say(conn: DataConnection, now = Date.now()): void {
    const last = this.said.get(conn);
    if (!conn.open || (last && (last.count >= MAX_REPEATS || now - last.at < SPACING))) return;
    const hello = this.hello();
    if (!hello) return;
    this.said.set(conn, { count: (last?.count ?? 0) + 1, at: now });
    conn.send(encodeFrame(hello));
  }
}
