/**
 * The session's phases and leaving (docs/protocol.md, "Leaving"): idle, joining, joined, then
 * left or failed. A join runs once; a join that fails ends the session with its error. Leaving
 * frees the beacon id first, so that whoever takes over finds it free, says `bye` on every
 * link, lets the goodbyes drain for at most 300 ms, and closes everything; a page that goes
 * away (`pagehide`) does the same without the wait. While joined, the heartbeat beats; a beat
 * that comes more than `silence` after the one before finds a page that was asleep (frozen in
 * the background, a closed lid), which the others have timed out meanwhile.
 */
import { clock } from './clock.js';
import { SessionError, type SessionPhase, sleep } from './types.js';

export interface LifecycleHost {
  /** Opens the member peer and asks to be let in, or claims the room (doorkeeper.ts). */
  enter(): Promise<void>;
  /** The heartbeat, every `heartbeat` ms while joined: ping, judge, prune, gossip. */
  beat(): void;
  /** The page was asleep for longer than the others wait for it: it has been timed out, if it had anyone. */
  woke(): void;
  /** Frees the beacon id at once. */
  dropBeacon(): void;
  /** Says `bye` on every link. */
  bye(): void;
  /** Bytes still waiting in the links' buffers. */
  buffered(): number;
  /** Closes every connection, stops every timer, destroys both peers. */
  teardown(): void;
  /** The session moved to another phase. */
  phase(phase: SessionPhase): void;
  /** The session failed, for this reason. */
  failed(error: SessionError): void;
}

/** How long leaving waits for the goodbyes to leave the buffers. */
const DRAIN = 300;

export class Lifecycle {
  private _phase: SessionPhase = 'idle';
  private joining: Promise<void> | null = null;
  private leaving: Promise<void> | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  /** When the heartbeat last beat (the wall clock, which goes on while a machine sleeps). */
  private lastBeat = 0;

  constructor(
    private readonly host: LifecycleHost,
    private readonly beatEvery: number,
    /** A gap between beats longer than this is sleep (the others' `silence`). */
    private readonly sleptAfter: number,
  ) {}

  get phase(): SessionPhase {
    return this._phase;
  }

  /** Left or failed: nothing more happens. */
  get over(): boolean {
    return this._phase === 'left' || this._phase === 'failed';
  }

  join(): Promise<void> {
    if (this.over) {
      return Promise.reject(new SessionError('disconnected', 'This session has ended; create a new one to join again.'));
    }
    this.joining ??= this.runJoin();
    return this.joining;
  }

  leave(): Promise<void> {
    this.leaving ??= this.runLeave();
    return this.leaving;
  }

  /** Drops the session at once, for a page that is going away. */
  destroy(): void {
    this.host.dropBeacon();
    if (this._phase === 'joined') this.host.bye();
    if (!this.over) this.set('left');
    this.end();
  }

  /** Joining (or joining again) failed: the session ends, and says why. */
  fail(error: SessionError): void {
    this.set('failed');
    this.end();
    this.host.failed(error);
  }

  private async runJoin(): Promise<void> {
    this.set('joining');
    try {
      await this.host.enter();
      if (this.over) return;
      this.lastBeat = clock();
      this.heartbeat = setInterval(() => this.beat(), this.beatEvery);
      addEventListener('pagehide', this.onPageHide);
      this.set('joined');
    } catch (err) {
      const error = err instanceof SessionError ? err : new SessionError('network', String((err as Error)?.message ?? err));
      if (!this.over) this.fail(error);
      throw error;
    }
  }

  private async runLeave(): Promise<void> {
    if (this.over) return;
    const wasJoined = this._phase === 'joined';
    this.set('left');
    this.host.dropBeacon();
    if (wasJoined) {
      this.host.bye();
      // Let the goodbyes leave the buffers before the connections close (bounded wait).
      const until = clock() + DRAIN;
      while (clock() < until && this.host.buffered() > 0) await sleep(20);
    }
    this.end();
  }

  private beat(): void {
    const now = clock();
    const slept = now - this.lastBeat > this.sleptAfter;
    this.lastBeat = now;
    if (slept) this.host.woke();
    this.host.beat();
  }

  /** The page is going away (or into the back/forward cache, where connections die anyway). */
  private readonly onPageHide = () => this.destroy();

  private end(): void {
    removeEventListener('pagehide', this.onPageHide);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.host.teardown();
  }

  private set(phase: SessionPhase): void {
    if (this._phase === phase) return;
    this._phase = phase;
    this.host.phase(phase);
  }
}
