/**
 * The pair proofs of a private room (docs/protocol.md, "Private rooms"), as the pair links run
 * them: a fresh connection's first frame is a challenge instead of the hello, and nothing but
 * the challenge and the proof counts on it until the other end's proof checks out; then the
 * hello goes out and its frames flow as on any other link. In an open room, a connection says
 * hello at once and its frames flow from the start.
 */
import type { DataConnection } from 'peerjs';
import { type AuthFrame, type HelloFrame, type ProofFrame, encodeFrame, parseFrame } from './protocol.js';

export interface PairProofs {
  challenge(conn: DataConnection): AuthFrame;
  answer(conn: DataConnection, nonce: string): Promise<ProofFrame | null>;
  verify(conn: DataConnection, proof: string): Promise<boolean>;
}

export interface ProofGateHost {
  isOver(): boolean;
  /** The room's proofs; null in an open room. */
  proofs(): PairProofs | null;
  hello(): HelloFrame;
  /** A frame of a connection that needs no proof, or whose proof checked out. */
  receive(conn: DataConnection, data: unknown): void;
  /** A connection whose other end failed the proof was closed. */
  unproven(id: string): void;
}

export class ProofGate {
  /** Connections whose other end proved it knows the password. */
  private readonly proven = new WeakSet<DataConnection>();
  /** Frames waiting for a proof to be checked, in order, per connection. */
  private readonly queues = new WeakMap<DataConnection, Promise<void>>();

  constructor(private readonly host: ProofGateHost) {}

  /** What a connection says first once open: the challenge in a private room, else the hello. */
  first(conn: DataConnection): AuthFrame | HelloFrame {
    return this.host.proofs()?.challenge(conn) ?? this.host.hello();
  }

  /** A frame from a connection: passed on, or held until the connection's proof is checked. */
  data(conn: DataConnection, data: unknown): void {
    const proofs = this.host.proofs();
    if (!proofs || (this.proven.has(conn) && !this.queues.has(conn))) return this.host.receive(conn, data);
    // Frames are checked one after another: the proof's check is asynchronous.
    const next = (this.queues.get(conn) ?? Promise.resolve()).then(() => this.proving(proofs, conn, data));
    this.queues.set(conn, next);
    void next.finally(() => this.queues.get(conn) === next && this.queues.delete(conn));
  }

  /** Nothing but the challenge and the proof counts until the proof checks out. */
  private async proving(proofs: PairProofs, conn: DataConnection, data: unknown): Promise<void> {
    if (this.proven.has(conn)) return this.host.receive(conn, data);
    const parsed = typeof data === 'string' ? parseFrame(data) : null;
    const frame = parsed && 'core' in parsed ? parsed.core : null;
    if (frame?.t === 'auth') {
      const reply = await proofs.answer(conn, frame.nonce);
      if (reply && conn.open) conn.send(encodeFrame(reply));
      else if (!reply) this.refuse(conn);
    } else if (frame?.t === 'proof') {
      if (!(await proofs.verify(conn, frame.proof))) return this.refuse(conn);
      this.proven.add(conn);
      if (conn.open && !this.host.isOver()) conn.send(encodeFrame(this.host.hello()));
    }
  }

  private refuse(conn: DataConnection): void {
    conn.close();
    this.host.unproven(conn.peer);
  }
}
