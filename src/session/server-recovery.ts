/**
 * The PeerServer link lost, and back (docs/protocol.md, "Health and recovery"): the pair links
 * carry on peer to peer while the member peer reconnects with the same id, after waits of
 * 0.5–1 s, 1–2 s, and so on up to 5–10 s, or at once when the browser says it is online again.
 * When the server gave the id to someone else meanwhile, the page joins again under a fresh one
 * ("The id taken meanwhile"), as it does when the members timed it out ("Timed out of the room").
 */
import { clock } from './clock.js';
import { backoff } from './mesh.js';
import { SessionError, type SignallingState } from './types.js';

export interface ServerRecoveryHost {
  isOver(): boolean;
  /** One attempt to bring the member peer back with its id (server-link.ts). */
  reconnect(): Promise<'open' | 'down' | 'taken'>;
  /**
   * Lets go of the room as joined under the old id: every linked member is shown leaving
   * (`closed`), every connection closed, both peers destroyed.
   */
  reset(): void;
  /** Joins under a fresh member id ("Joining", from step 1). */
  enter(): Promise<void>;
  /** Joining again failed: the session fails. */
  fail(error: SessionError): void;
  /** The link was lost (the calls go on), or is back. */
  signalling(state: SignallingState): void;
}

/**
 * Base and cap of the backoff between reconnect attempts. The pairs' ICE restarts travel through
 * the server while their paths are broken (after a network change, say), so a long wait here is
 * a long wait for the calls too.
 */
const RETRY = 1_000;
const RETRY_CAP = 10_000;
/**
 * The healing loop's fresh starts come at most this often (ms): one that did not help (a holder
 * that lets pages in and drops them) is not made again and again.
 */
export const FRESH_START_EVERY = 60_000;

/**
 * Waits `ms`, or less if the browser says it is online again meanwhile (a network came back:
 * the server is worth trying at once).
 */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      globalThis.removeEventListener?.('online', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    globalThis.addEventListener?.('online', done);
  });
}

export class ServerRecovery {
  private reconnecting = false;
  private rejoining: Promise<void> | null = null;
  /** What the page was last told of its link. */
  private told: SignallingState = 'connected';
  /** When the healing loop last made a fresh start (ms since the epoch). */
  private healedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly host: ServerRecoveryHost) {}

  /** The member peer lost the server: reconnect until it is back or the session ends. */
  lost(): void {
    if (this.host.isOver() || this.reconnecting) return;
    this.reconnecting = true;
    this.tell('reconnecting');
    void this.reconnect().finally(() => (this.reconnecting = false));
  }

  /**
   * Tells the page of its link, once per change: the reconnect loop and a fresh start under way
   * at the same time (a page that woke while its link was down) say it is back only once.
   */
  private tell(state: SignallingState): void {
    if (this.told === state) return;
    this.told = state;
    this.host.signalling(state);
  }

  private async reconnect(): Promise<void> {
    for (let attempt = 0; !this.host.isOver(); attempt++) {
      await pause(backoff(attempt, RETRY, RETRY_CAP));
      if (this.host.isOver()) return;
      const result = await this.host.reconnect();
      if (result === 'down') {
        this.tell('reconnecting');
        continue;
      }
      if (result === 'taken') await this.rejoin();
      if (this.host.isOver()) return;
      this.reconnecting = false;
      this.tell('connected');
      return;
    }
  }

  /**
   * Joins again under a fresh id: the server gave this page's id to someone else while it was
   * away, or the members timed it out (doorkeeper.ts). The members see this page leave and come
   * back. One at a time: a second call while one is under way waits for it.
   */
  rejoin(): Promise<void> {
    this.rejoining ??= this.runRejoin().finally(() => (this.rejoining = null));
    return this.rejoining;
  }

  /**
   * The healing loop's fresh start (doorkeeper.ts): made unless one was made less than
   * FRESH_START_EVERY ago; false then, and the loop asks and claims as any lone page does.
   */
  rejoinIfDue(): boolean {
    const now = clock();
    if (now - this.healedAt < FRESH_START_EVERY) return false;
    this.healedAt = now;
    void this.rejoin();
    return true;
  }

  private async runRejoin(): Promise<void> {
    this.host.reset();
    for (let attempt = 0; ; attempt++) {
      try {
        await this.host.enter();
        if (!this.host.isOver()) this.tell('connected');
        return;
      } catch (err) {
        if (this.host.isOver()) return;
        const error = err instanceof SessionError ? err : new SessionError('network', String(err));
        // A server out of reach (a machine that just woke, its network not back yet) is waited
        // for as a lost link is; anything else (a full room, say) ends the session.
        if (error.type !== 'network') return this.host.fail(error);
        this.tell('reconnecting');
        await pause(backoff(attempt, RETRY, RETRY_CAP));
        if (this.host.isOver()) return;
      }
    }
  }
}
