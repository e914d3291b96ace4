/**
 * The pair proofs of a private room (docs/protocol.md, "Private rooms"), as the pair links run
 * them: a fresh connection's first frame is a challenge instead of the hello, and nothing but
 * the challenge and the proof counts on it until the other end's proof checks out; then the
 * hello goes out and its frames flow as on any other link. In an open room, a connection says
 * hello at once and its frames flow from the start. The first hello on each connection is kept:
 * it is what the other end knows of this page.
 */
import type { DataConnection } from 'peerjs';
import { HelloRepeats } from './hello-repeats.js';
import { type AuthFrame, type HelloFrame, type ProofFrame, encodeFrame, parseFrame } from './frames.js';
import { Serial } from './serial.js';

/**
 * Frames of one connection waiting while a proof is made or checked, at most. Before its proof a
 * connection says a few (auth, proof, hello, a ping); one that says more is closed.
 */
export const MAX_WAITING = 64;

export interface PairProofs {
  challenge(conn: DataConnection): AuthFrame;
  /** This side's challenge on `conn` once more (the same one); null when it made none. */
  again(conn: DataConnection): AuthFrame | null;
  answer(conn: DataConnection, nonce: string): Promise<ProofFrame | null>;
  /** Whether the proof holds; null when it cannot be checked (the other side's challenge never came). */
  verify(conn: DataConnection, proof: string): Promise<boolean | null>;
}

export interface ProofGateHost {
  isOver(): boolean;
  /** The room's proofs; null in an open room. */
  proofs(): PairProofs | null;
  /** This page's hello to the member `id`. */
  hello(id: string): HelloFrame;
  /** A frame of a connection that needs no proof, or whose proof checked out. */
  receive(conn: DataConnection, data: unknown): void;
  /** A connection whose other end failed the proof was closed. */
  unproven(id: string): void;
  /** A connection whose other end sent more than waits for its proof was closed. */
  flooded(id: string): void;
}

export class ProofGate {
  /** Connections whose other end proved it knows the password. */
  private readonly proven = new WeakSet<DataConnection>();
  /** Frames waiting for a proof to be checked, in order, per connection. */
  private readonly queues = new WeakMap<DataConnection, Serial>();
  private readonly repeats = new HelloRepeats();
  /** Connections whose other end's challenge this side answered. */
  private readonly answered = new WeakSet<DataConnection>();
  /** The first hello this side sent on each connection. */
  private readonly hellos = new WeakMap<DataConnection, HelloFrame>();

  constructor(private readonly host: ProofGateHost) {}

  /** What a connection says first once open: the challenge in a private room, else the hello. */
  first(conn: DataConnection): AuthFrame | HelloFrame {
    return this.host.proofs()?.challenge(conn) ?? this.hello(conn);
  }

  /** The first hello this side sent on `conn`: what its other end knows of this page. */
  said(conn: DataConnection): HelloFrame | undefined {
    return this.hellos.get(conn);
  }

  /** A frame from a connection: passed on, or held until the connection's proof is checked. */
  data(conn: DataConnection, data: unknown): void {
    const proofs = this.host.proofs();
    // A challenge is answered even on a proven connection: the other end did not get the proof.
    const challenge = typeof data === 'string' && data.includes('"auth"');
    let queue = this.queues.get(conn);
    if (!proofs || (this.proven.has(conn) && (queue?.idle ?? true) && !challenge)) return this.host.receive(conn, data);
    // Frames are checked one after another: the proof's check is asynchronous.
    if (!queue) this.queues.set(conn, (queue = new Serial(MAX_WAITING)));
    if (queue.add(() => this.proving(proofs, conn, data)) || !conn.open) return;
    conn.close();
    this.host.flooded(conn.peer);
  }

  /** Nothing but the challenge and the proof counts until the proof checks out. */
  private async proving(proofs: PairProofs, conn: DataConnection, data: unknown): Promise<void> {
    const parsed = typeof data === 'string' ? parseFrame(data) : null;
    const frame = parsed && 'core' in parsed ? parsed.core : null;
    if (this.proven.has(conn) && frame?.t !== 'auth') return this.host.receive(conn, data);
    const again = () => (this.host.isOver() ? null : proofs.again(conn));
    if (frame?.t === 'auth') {
      const repeated = this.answered.has(conn);
      this.answered.add(conn);
      const reply = await proofs.answer(conn, frame.nonce);
      if (!reply) return this.refuse(conn);
      // Asked again before this side had the other's proof: this side's challenge may be what was lost.
      const challenge = repeated && !this.proven.has(conn) ? again() : null;
      if (challenge && conn.open) conn.send(encodeFrame(challenge));
      if (conn.open) conn.send(encodeFrame(reply));
    } else if (frame?.t === 'proof') {
      const holds = await proofs.verify(conn, frame.proof);
      // Not a failed proof: this side never got the challenge it answers. Asked again, the other
      // side sends both.
      if (holds === null) return this.repeats.say(conn, again);
      if (!holds) return this.refuse(conn);
      this.proven.add(conn);
      if (conn.open && !this.host.isOver()) conn.send(encodeFrame(this.hello(conn)));
    } else {
      // The other end goes on (it has this side's proof) without having sent its own: its proof
      // was lost, or this side's challenge was. The challenge goes again (hello-repeats.ts).
      this.repeats.say(conn, again);
    }
  }

  private hello(conn: DataConnection): HelloFrame {
    const hello = this.host.hello(conn.peer);
    if (!this.hellos.has(conn)) this.hellos.set(conn, hello);
    return hello;
  }

  private refuse(conn: DataConnection): void {
    conn.close();
    this.host.unproven(conn.peer);
  }
}
