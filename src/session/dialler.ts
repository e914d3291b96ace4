/**
 * Dialling members (docs/protocol.md, "The mesh"): a connection this page opens is pending like
 * any other (pending-links.ts). One that fails (its ICE failed, it did not open in time, or it
 * opened and lapsed without a hello) is dialled again with backoff, as dial-attempts.ts decides:
 * nobody else will dial that member. After the last try this page says the member cannot be
 * reached. The server saying that a member is not there ends its dialling at once.
 */
import type { DataConnection } from 'peerjs';
import { DialAttempts } from './dial-attempts.js';
import { type Deadlines, MAX_PENDING, type PendingLinks } from './pending-links.js';
import type { Timers } from './types.js';

export interface DiallerHost {
  isOver(): boolean;
  /** Whether the member is linked. */
  isLinked(id: string): boolean;
  /** Opens a mesh connection to a member through the server, with `metadata`. */
  connect(id: string, metadata: object): DataConnection | undefined;
  /** Listens to a new connection as to every connection of the pair links. */
  attach(conn: DataConnection): void;
  /** Whether the connection said hello, and so is a link now. */
  helloed(conn: DataConnection): boolean;
  /** A connection to a member that was not linked went away without a hello. */
  lapsed(id: string): void;
  /** Dialling a member failed every time. */
  unreachable(id: string): void;
  /** Time to dial a member again whose connection failed to open, if it is still expected. */
  retry(id: string): void;
}

export class Dialler {
  private readonly attempts: DialAttempts;

  constructor(
    private readonly host: DiallerHost,
    private readonly pending: PendingLinks,
    private readonly timers: Timers,
    private readonly deadlines: () => Deadlines,
    dialRetry: number,
  ) {
    this.attempts = new DialAttempts(dialRetry);
  }

  /**
   * Dials a member; false when it is linked or pending already, too many are pending, or this
   * page gave up on it lately.
   */
  dial(id: string, metadata: object): boolean {
    const { host, pending } = this;
    if (host.isLinked(id) || pending.has(id) || pending.size >= MAX_PENDING || host.isOver() || !this.attempts.allows(id)) return false;
    const conn = host.connect(id, metadata);
    if (!conn) return false;
    // Failed: ICE failed or it did not open in time (PeerJS says `close` only for a connection
    // that opened, so these are noticed here), or it opened and lapsed without a hello. Once.
    let failed = false;
    const fail = () => {
      if (failed || host.helloed(conn)) return;
      failed = true;
      pending.release(id, conn);
      conn.close();
      this.failed(id, conn);
    };
    pending.hold(id, conn, this.deadlines(), fail);
    conn.on('close', fail);
    conn.on('error', (err: { type?: string }) => !conn.open && err?.type === 'negotiation-failed' && fail());
    host.attach(conn);
    return true;
  }

  /** The server says `id` is not there: stop dialling it. */
  unavailable(id: string): void {
    const p = this.pending.get(id);
    if (p && !p.open) {
      this.attempts.reset(id);
      this.pending.release(id, p);
      p.close();
      this.host.lapsed(id);
    }
  }

  /** The member linked: its count of failed dials starts again. */
  linked(id: string): void {
    this.attempts.reset(id);
  }

  clear(): void {
    this.attempts.clear();
  }

  /**
   * A connection this page dialled closed before it opened, or opened and lapsed without a
   * hello: dial again after the backoff; after the last try, say that this member cannot be
   * reached (a firewall between the two, most often).
   */
  private failed(id: string, conn: DataConnection): void {
    const other = this.pending.get(id);
    if (this.host.isOver() || this.host.isLinked(id) || (other && other !== conn)) return;
    const wait = this.attempts.failed(id);
    if (wait === null) this.host.unreachable(id);
    else this.timers.after(wait, () => this.host.retry(id));
  }
}
